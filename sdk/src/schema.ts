/**
 * @mosaic/sdk/schema — validation for whoever receives a plugin: the build, the registry, the
 * installer and the widget renderer. Node-side; plugin code never imports it.
 */
export {
  ManifestError, manifestInputSchema, parseManifest, pluginManifestSchema,
} from './manifest.js';
export type { DeclaredManifest, ManifestInput, PluginManifest } from './manifest.js';
export { MAP_LIMITS, validateWidgetTree, WIDGET_COMPONENTS, WIDGET_LIMITS, widgetNodeSchema } from './widgets.js';
export type { WidgetValidation } from './widgets.js';
export { checkPluginSdl, pluginSchema } from './sdl.js';
export {
  checkManifestInputs, INPUT_LIMITS, INPUT_SCOPES, missingInputScopes, readDeclaredInput, widgetInputCoordinate, widgetInputType, widgetInputsByCoordinate,
} from './input-rules.js';
export { followableValue, followedKeys, STORAGE_INPUT_LIMITS, storageInputProblems, storageReadPlan, type StorageReadPlan } from './storage-inputs.js';
export type { DeclaredInput, InputReading, InputReadOptions } from './input-rules.js';
export { canonicalHost, canonicalHostPattern, hostMatchesPattern, isIpHost, urlHost } from './egress-host.js';
export type { HostReading } from './egress-host.js';
export { refusedHeaderReason } from './egress-headers.js';
export { jsonProblem } from './json-check.js';
export { EMIT_TYPE_PATTERN, MAX_EMIT_PAYLOAD_BYTES, MAX_EMIT_TYPE_CHARS } from './emit-rules.js';
export { WRITE_CAPABILITIES, writeRefusal, writeRefusedMessage } from './write-rules.js';
export { idempotencyKeyProblem, MAX_IDEMPOTENCY_KEY_CHARS } from './interaction-rules.js';
export type { CallerRole, EntryKind, WriteCapability } from './write-rules.js';
export {
  excerpt, identifierProblem, MAX_QUOTED_CHARS, MAX_STORAGE_KEY_BYTES, MAX_STORAGE_KEYS_PER_READ, quoteExcerpt, repairText, textIssues, textProblem, TOO_MANY_STORAGE_KEYS,
} from './text-rules.js';
export type { TextIssue } from './text-rules.js';
