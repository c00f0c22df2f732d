/**
 * What a plugin may ask the host to do with a tenant's data. The installer shows the requested
 * scopes and grants them; the sandbox refuses a ctx call the grant does not cover.
 */
export const PLUGIN_SCOPES = [
  'customers:read',
  'orders:read',
  'cases:read',
  'cases:write',
  /** Lets a declared input select Account (a customer's company). */
  'accounts:read',
  /** `ctx.interactions.create`: a proactive interaction on a customer's timeline. */
  'interactions:write',
  'storage',
] as const;
export type PluginScope = (typeof PLUGIN_SCOPES)[number];
