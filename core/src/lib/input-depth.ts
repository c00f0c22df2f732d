import { AppError } from './errors.js';

/**
 * How deep client-supplied JSON (GraphQL variables, JSON arguments, plugin config) may nest.
 * Real inputs stay under ten levels; thousands overflow the stack of whatever walks them next
 * (coercion, validation, cloning, cost analysis), which then fails as an internal error.
 */
export const MAX_INPUT_DEPTH = 32;

/** Whether `value` nests objects or arrays more than `max` levels deep. Iterative, so any depth is safe. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length) {
    const node = values.pop();
    const depth = depths.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** BAD_USER_INPUT when `value` (named `what` in the message) nests deeper than MAX_INPUT_DEPTH. */
export function assertInputDepth(value: unknown, what: string): void {
  if (nestsDeeperThan(value, MAX_INPUT_DEPTH)) {
    throw new AppError('BAD_USER_INPUT', `${what} nests deeper than ${MAX_INPUT_DEPTH} levels; flatten it`);
  }
}
