import { isInputObjectType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createBaseSchema } from './schema.js';
import { NAMED_STRING_CAPS, stringCap, STRING_CAPS } from './string-caps.js';

describe('string caps', () => {
  const schema = createBaseSchema();
  const coordinates = new Set<string>();
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) (coordinates.add(`${type.name}.${field.name}`), names.add(field.name));
    } else if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) for (const arg of field.args) names.add(arg.name);
    }
  }

  it('every entry names an input field or argument of the schema, so none is silently dead', () => {
    for (const key of NAMED_STRING_CAPS.keys()) expect(key.includes('.') ? coordinates.has(key) : names.has(key), key).toBe(true);
  });

  it('a coordinate wins over a name, a name over the type default', () => {
    expect(stringCap('CreateCaseInput.description', 'description', 'String')).toBe(20_000);
    expect(stringCap('CreateQueueInput.description', 'description', 'String')).toBe(STRING_CAPS.String);
    expect(stringCap('Query.customers(after:)', 'after', 'String')).toBe(2_000);
    expect(stringCap('Query.customer(id:)', 'id', 'ID')).toBe(STRING_CAPS.ID);
    expect(stringCap('X.constructor', 'constructor', 'String')).toBe(STRING_CAPS.String);
  });
});
