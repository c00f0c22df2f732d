/**
 * @mosaic/sdk — what a plugin author imports. The plugin API (definePlugin, the manifest schema,
 * the typed host API and the test harness) lands here with the plugin runtime.
 */
export const SDK_API_VERSION = 1;
