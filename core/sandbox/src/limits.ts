import { z } from 'zod';

/** Per-invocation limits (DESIGN.md decision 3). */
export interface SandboxLimits {
  /** Heap cap of the installation's isolate in MB; applied when the isolate is created. */
  memoryMb: number;
  /**
   * Time for one synchronous stretch inside the isolate: loading the bundle, or an entry up to
   * its first await. Continuations after an awaited host call are not covered by isolated-vm's
   * timer; the wall-clock deadline covers them.
   */
  cpuTimeoutMs: number;
  /** The whole invocation, awaited host calls included. */
  wallTimeoutMs: number;
  /** UTF-8 size of the JSON result; checked inside the isolate before anything is copied out. */
  maxResultBytes: number;
  /** Host capability calls one invocation may make (logging included). */
  maxHostCalls: number;
  /** JSON size of one host call's arguments. */
  maxHostArgBytes: number;
}

export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryMb: 64,
  cpuTimeoutMs: 1_000,
  wallTimeoutMs: 10_000,
  maxResultBytes: 4 * 1024 * 1024,
  maxHostCalls: 100,
  maxHostArgBytes: 1024 * 1024,
});

const count = z.number().int().nonnegative();
const limitsSchema = z.strictObject({
  // isolated-vm refuses less than 8 MB
  memoryMb: z.number().int().min(8).max(8192),
  cpuTimeoutMs: count.min(1),
  wallTimeoutMs: count.min(1),
  maxResultBytes: count.min(1),
  maxHostCalls: count,
  maxHostArgBytes: count.min(1),
}) satisfies z.ZodType<SandboxLimits>;

/** `base` with `override` applied, validated; unchanged `base` when there is nothing to apply. */
export function resolveLimits(base: SandboxLimits, override?: Partial<SandboxLimits>): SandboxLimits {
  if (override === undefined) return base;
  return limitsSchema.parse({ ...base, ...override });
}
