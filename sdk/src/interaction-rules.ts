/**
 * What `ctx.interactions.create` accepts beyond the domain's own input rules, shared by core's
 * host and the SDK's test harness so the two cannot drift.
 */
import { identifierProblem } from './text-rules.js';

/** At most this many characters (UTF-16 units) in an idempotency key. */
export const MAX_IDEMPOTENCY_KEY_CHARS = 200;

/**
 * Why `key` cannot be an idempotency key, or null: 1 to 200 characters of well-formed Unicode
 * without control characters (the platform's identifier rule, as for storage keys).
 */
export function idempotencyKeyProblem(key: string): string | null {
  if (key.length > MAX_IDEMPOTENCY_KEY_CHARS) return `is ${key.length} characters; the limit is ${MAX_IDEMPOTENCY_KEY_CHARS}`;
  return identifierProblem(key, Number.POSITIVE_INFINITY);
}
