import { Ajv2020 } from 'ajv/dist/2020.js';
import { AppError } from '../../lib/errors.js';
import { assertInputDepth } from '../../lib/input-depth.js';

const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false });
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

/**
 * Checks an installation's config against the JSON Schema the plugin published (its zod schema,
 * exported at build time) and fills in defaults. BAD_USER_INPUT lists every problem.
 */
export function validateConfig(schema: Record<string, unknown>, config: unknown): Record<string, unknown> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  assertInputDepth(config, 'config'); // before cloning and ajv walk it recursively
  const value = structuredClone(config ?? {}) as Record<string, unknown>;
  if (!validate(value)) {
    const issues = (validate.errors ?? []).map((e) => `config${e.instancePath.replace(/\//g, '.')}: ${e.message ?? 'invalid'}`);
    throw new AppError('BAD_USER_INPUT', `invalid config: ${issues.join('; ')}`, { issues });
  }
  return value;
}
