import type { InvocationMetrics } from './types.js';

/** The two codes a client sees for a plugin's own fields (DESIGN.md decision 8). */
export type PluginErrorCode = 'PLUGIN_FAILED' | 'PLUGIN_TIMEOUT';

/**
 * Why a sandboxed invocation produced no value. `pluginCode` carries the code of the error the
 * plugin threw (or of the host refusal it let escape, e.g. FORBIDDEN) so callers can log it;
 * the client-facing code stays one of the two above.
 */
export class PluginError extends Error {
  override readonly name = 'PluginError';

  constructor(
    readonly code: PluginErrorCode,
    message: string,
    readonly metrics: InvocationMetrics,
    readonly pluginCode?: string,
  ) {
    super(message);
  }
}

export const isPluginError = (error: unknown): error is PluginError => error instanceof PluginError;
