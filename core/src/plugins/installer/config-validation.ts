import { Ajv2020 } from 'ajv/dist/2020.js';
import { default as addFormats } from 'ajv-formats';
import { AppError } from '../../lib/errors.js';
import { assertInputDepth } from '../../lib/input-depth.js';

const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false });
// Plugins' config schemas use `format` (uri, email, …): checked, not ignored with a warning.
addFormats.default(ajv);
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

/** A JSON pointer (`/lines/0/name`) as path parts (`["lines", 0, "name"]`). */
const pointerPath = (pointer: string): Array<string | number> =>
  pointer.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')).map((part) => (/^\d+$/.test(part) ? Number(part) : part));

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
    const issues = (validate.errors ?? []).map((e) => ({ path: ['config', ...pointerPath(e.instancePath)], message: e.message ?? 'invalid' }));
    const summary = issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new AppError('BAD_USER_INPUT', `invalid config: ${summary}`, { issues });
  }
  return value;
}
