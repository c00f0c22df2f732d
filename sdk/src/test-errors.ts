/** A refusal meant for the plugin: the sandbox passes `code` and `message` into the isolate. */
export class HostError extends Error {
  override readonly name = 'HostError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A test that cannot run as written (unknown field, missing recording, invalid widget, ...). */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Why `value` is not plain JSON data, or null when it is (core's rule, in host/args.ts). */
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
    if (depth >= 64) return 'nested deeper than 64 levels';
    if (Array.isArray(v)) {
      for (const item of v) pending.push([item, depth + 1]);
      continue;
    }
    if (Object.hasOwn(v, '__proto__')) return "the key '__proto__' is not allowed";
    for (const item of Object.values(v)) pending.push([item, depth + 1]);
  }
  return null;
}
