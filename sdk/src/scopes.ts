/**
 * What a plugin may ask the host to do with a tenant's data. The installer shows the requested
 * scopes and grants them; the sandbox refuses a ctx call the grant does not cover.
 */
export const PLUGIN_SCOPES = ['customers:read', 'orders:read', 'cases:read', 'cases:write', 'storage'] as const;
export type PluginScope = (typeof PLUGIN_SCOPES)[number];
