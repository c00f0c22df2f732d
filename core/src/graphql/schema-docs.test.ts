import {
  buildASTSchema, getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isSpecifiedScalarType,
  isUnionType, parse, validate, type GraphQLField, type GraphQLNamedType, type GraphQLObjectType, type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { createBaseSchema } from './schema.js';

const schema = createBaseSchema();

/** Every type, field, argument, input field and enum value of the core schema that has no description. */
function undocumented(s: GraphQLSchema): string[] {
  const missing: string[] = [];
  const need = (coordinate: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(coordinate);
  };
  for (const type of Object.values(s.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    need(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) need(`${type.name}.${field.name}(${arg.name}:)`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) need(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing;
}

describe('the core schema documents itself', () => {
  it('describes every type, field, argument, input field and enum value', () => {
    expect(undocumented(schema)).toEqual([]);
  });

  it('finds what is missing (the check itself can fail)', () => {
    const bare = buildASTSchema(parse('"""Q."""\ntype Query { "A." a(x: Int): E }\nenum E { ONE """Two.""" TWO }'));
    expect(undocumented(bare)).toEqual(['Query.a(x:)', 'E', 'E.ONE']);
  });

  it('points every custom scalar at its specification', () => {
    const scalars = Object.values(schema.getTypeMap()).filter((t) => isScalarType(t) && !isSpecifiedScalarType(t));
    expect(Object.fromEntries(scalars.map((t) => [t.name, isScalarType(t) && t.specifiedByURL]))).toEqual({
      DateTime: 'https://datatracker.ietf.org/doc/html/rfc3339',
      JSON: 'https://ecma-international.org/publications-and-standards/standards/ecma-404/',
    });
  });

  it('states the limits a client meets: page sizes, the nodes cap, string caps', () => {
    const first = schema.getQueryType()!.getFields().customers!.args.find((a) => a.name === 'first')!;
    expect(first.description).toMatch(/0 to 100; 20 when/);
    expect(schema.getQueryType()!.getFields().nodes!.description).toMatch(/At most 100 ids/);
    expect((schema.getType('KnowledgeArticleFilter') as never as { getFields(): Record<string, { description: string }> })
      .getFields().search!.description).toMatch(/up to 1000 characters/);
  });
});

/** A selection of every field of `type` an operation can select without arguments, one level deep. */
function everyField(type: GraphQLObjectType): string {
  const fields = Object.values(type.getFields()).filter((f: GraphQLField<unknown, unknown>) => f.args.every((a) => a.defaultValue !== undefined || !a.type.toString().endsWith('!')));
  return fields.map((f) => {
    const named: GraphQLNamedType = getNamedType(f.type);
    return isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? `${f.name} { __typename }` : f.name;
  }).join(' ');
}

describe('TimelineItem: one selection reads every member', () => {
  it("validates the natural 360 query (graphql-js's OverlappingFieldsCanBeMerged among the rules)", () => {
    const query = parse(/* GraphQL */ `
      query Customer360($id: ID!) {
        customer(id: $id) {
          timeline(first: 20) {
            totalCount
            edges { kind at node {
              ... on Interaction { id channel direction subject body occurredAt }
              ... on Case { id number status subject channel priority createdAt }
              ... on Order { id orderNumber orderStatus total { amount currency } placedAt }
            } }
            pageInfo { hasNextPage endCursor }
          }
        }
      }`);
    expect(validate(schema, query).map((e) => e.message)).toEqual([]);
  });

  it('has no same-named fields of different types among its members: selecting every field of every member validates', () => {
    const union = schema.getType('TimelineItem');
    if (!isUnionType(union)) throw new Error('TimelineItem is not a union');
    const fragments = union.getTypes().map((member) => `... on ${member.name} { ${everyField(member)} }`).join('\n');
    const query = parse(`query($id: ID!) { customer(id: $id) { timeline { edges { node { ${fragments} } } } } }`);
    expect(validate(schema, query).map((e) => e.message)).toEqual([]);
  });

  it('would catch a clash (the check itself can fail)', () => {
    const clashing = buildASTSchema(parse(`
      type A { number: Int! } type B { number: String! } union U = A | B type Query { u: U }`));
    const query = parse(`{ u { ... on A { number } ... on B { number } } }`);
    expect(validate(clashing, query).map((e) => e.message)).toEqual([
      expect.stringMatching(/Fields "number" conflict because they return conflicting types "Int!" and "String!"/),
    ]);
  });
});
