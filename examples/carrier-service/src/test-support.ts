/** Shared by this package's tests (not exported): a clock to move by hand, and JSON over HTTP. */

export interface ManualClock {
  now: () => Date;
  /** Moves the clock forward by `hours` (fractions allowed). */
  advance(hours: number): void;
  ms(): number;
}

export function manualClock(start = '2030-01-07T08:00:00.250Z'): ManualClock {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (hours) => void (t += hours * 3_600_000), ms: () => t };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: await res.json() as any };
}
