import type { JsonObject, JsonValue } from '@mosaic/sdk';
import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../../domain/pagination.js';
import { parseGlobalId } from '../../lib/ids.js';
import { HostError } from './errors.js';

const MAX_ISSUES = 5;
const MAX_MESSAGE_CHARS = 1000;
const MAX_JSON_DEPTH = 64;

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

/**
 * Why `value` is not plain JSON data, or null when it is. Iterative, so hostile nesting cannot
 * exhaust the stack; `__proto__` keys are refused because whoever consumes the data next (an
 * event handler, a webhook receiver) may merge it into an object of their own.
 */
export function jsonProblem(value: unknown): string | null {
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [v, depth] = next;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return 'numbers must be finite';
      continue;
    }
    if (typeof v !== 'object') return `${typeof v} is not JSON`;
    if (depth >= MAX_JSON_DEPTH) return `nested deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(v)) {
      for (const item of v) pending.push([item, depth + 1]);
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return 'objects must be plain JSON objects';
    if (Object.hasOwn(v, '__proto__')) return "the key '__proto__' is not allowed";
    for (const item of Object.values(v)) pending.push([item, depth + 1]);
  }
  return null;
}

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
