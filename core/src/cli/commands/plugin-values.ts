import { UsageError } from '../output.js';

/** `k=v` pairs into an object; a value that parses as JSON (numbers, booleans, objects) is taken as such. */
export function keyValues(pairs: string[] | undefined, flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} takes key=value, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    out[pair.slice(0, eq)] = flag === 'secret' ? raw : parseLoose(raw);
  }
  return out;
}

function parseLoose(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** `acme.tracking@^1.2` → id and range. */
export function pluginRef(ref: string | undefined, usage: string): { pluginId: string; range: string } {
  if (!ref) throw new UsageError(usage);
  const at = ref.indexOf('@');
  return at > 0 ? { pluginId: ref.slice(0, at), range: ref.slice(at + 1) } : { pluginId: ref, range: '*' };
}
