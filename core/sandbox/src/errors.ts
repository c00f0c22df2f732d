import type { InvocationMetrics } from './types.js';

/**
 * The codes a client sees for a plugin's own fields (DESIGN.md decision 8): BAD_USER_INPUT when
 * the plugin itself refused the caller's input (it threw an error with that code, e.g. the SDK's
 * UserInputError), else PLUGIN_FAILED or PLUGIN_TIMEOUT.
 */
export type PluginErrorCode = 'PLUGIN_FAILED' | 'PLUGIN_TIMEOUT' | 'BAD_USER_INPUT';

/**
 * Why a sandboxed invocation produced no value. `pluginCode` carries the code of the error the
 * plugin threw (or of the host refusal it let escape, e.g. FORBIDDEN) so callers can log it;
 * the client-facing code stays one of the three above, whatever code the plugin chose.
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
