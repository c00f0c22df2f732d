/** Server errors on purpose: a random share of answers, and the next K answers when a test asks. */
export const FAULT_STATUSES = [500, 502, 503, 504] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

export interface Faults {
  /** The status to fail this request with, or null to answer it normally. */
  next(): FaultStatus | null;
  /** Fails the next `count` carrier requests with `status`, whatever the failure rate. */
  failNext(count: number, status?: FaultStatus): number;
}

/** Bounds memory however often a test asks. */
const MAX_PENDING = 10_000;

export function createFaults(failureRate: number, random: () => number = Math.random): Faults {
  let pending: FaultStatus[] = [];
  return {
    next: () => pending.shift() ?? (failureRate > 0 && random() < failureRate ? 503 : null),
    failNext(count, status = 503) {
      pending = [...pending, ...Array.from({ length: count }, () => status)].slice(0, MAX_PENDING);
      return pending.length;
    },
  };
}
