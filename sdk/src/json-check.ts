/** How deep plugin-supplied JSON may nest before it is refused. */
const MAX_JSON_DEPTH = 64;

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
