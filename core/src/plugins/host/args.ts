import type { JsonObject, JsonValue } from '@mosaic/sdk';
import { identifierProblem, jsonProblem } from '@mosaic/sdk/schema';
import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../../domain/pagination.js';
import { parseGlobalId } from '../../lib/ids.js';
import { HostError } from './errors.js';

const MAX_ISSUES = 5;
const MAX_MESSAGE_CHARS = 1000;

/** Parses a capability's arguments. Plugin code is hostile: anything off is BAD_USER_INPUT. */
export function parseArgs<S extends z.ZodType>(capability: string, schema: S, args: unknown): z.output<S> {
  const result = schema.safeParse(args);
  if (result.success) return result.data;
  const summary = result.error.issues
    .slice(0, MAX_ISSUES)
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
  // Issues can quote a key the plugin chose, so the message is capped like everything else.
  throw new HostError('BAD_USER_INPUT', truncate(`invalid arguments for ${capability}: ${summary}`, MAX_MESSAGE_CHARS));
}

/** A Relay global id as the plugin received it; whether it names a row is decided later. */
export const globalIdArg = z.string().min(1).max(200);

/**
 * The local id behind a global id of `type`, or null: a malformed id, one of another type and one
 * of another tenant (no such row here) all read as "not there", so ids reveal nothing.
 */
export function localIdOrNull(type: string, globalId: string): string | null {
  const parsed = parseGlobalId(globalId);
  return parsed !== null && parsed.type === type ? parsed.id : null;
}

export const pageArgs = {
  first: z.number().int().min(0).max(MAX_PAGE_SIZE).nullish(),
  after: z.string().max(1000).nullish(),
};

export { jsonProblem };

/**
 * A name the plugin chooses (a storage key or prefix): the platform's identifier rule (no control
 * characters, well-formed Unicode) and a cap in bytes of UTF-8, the unit the database stores.
 */
export const identifierArg = (maxBytes: number, { allowEmpty = false } = {}) =>
  z.string().superRefine((name, ctx) => {
    const problem = identifierProblem(name, maxBytes, { allowEmpty });
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

const refineJson = (value: unknown, ctx: z.RefinementCtx) => {
  const problem = jsonProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
};

export const jsonValueArg = z.custom<JsonValue>().superRefine(refineJson);

export const jsonObjectArg = z
  .custom<JsonObject>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'must be a JSON object')
  .superRefine(refineJson);

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** At most `maxChars` UTF-16 units, never ending in half a surrogate pair. */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/** At most `maxBytes` of UTF-8, cut at a character boundary. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  return Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8').replace(/\uFFFD+$/, '');
}
