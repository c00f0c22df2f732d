/**
 * @mosaic/sdk — what a plugin author imports. Everything here is bundled into the plugin and runs
 * in the sandbox, so it stays small and free of Node APIs: validation lives in
 * `@mosaic/sdk/schema`, the bundler in `@mosaic/sdk/build`, test helpers in `@mosaic/sdk/testing`.
 *
 * Write `config` with `import * as z from 'zod'`. zod is not re-exported: a re-exported namespace
 * cannot be tree-shaken, and would put all of zod (every locale, ~800 KB) in each bundle.
 */
export { definePlugin, SDK_API_VERSION } from './define-plugin.js';
export { graphql } from './declared-input.js';
export type { DeclaredInputs, InputOf } from './declared-input.js';
export { UserInputError } from './user-input-error.js';
export type {
  ActionHandler, BatchResolver, ConfigSchema, EventHandler, PluginDefinition, PluginEvent, PluginInput,
  PluginResolvers, ResultCache, RootParent, StorageInputs, WebhookHandler, WebhookRequest, WebhookResponse,
} from './define-plugin.js';
export type { CreateInteractionInput, FetchInit, FetchResponse, Page, PageArgs, PluginContext, PluginLogger } from './context.js';
export { EXTENSION_POINTS } from './extension-points.js';
export type { ExtensionPoint, ExtensionPointTargets } from './extension-points.js';
export { PLUGIN_SCOPES } from './scopes.js';
export type { PluginScope } from './scopes.js';
export { pluginNamespace } from './namespace.js';
export type { PluginNamespace } from './namespace.js';
export type { GeoPoint, Tone, WidgetComponent, WidgetDeclaration, WidgetNode } from './widgets.js';
export type { DeclaredManifest, ManifestInput, PluginManifest } from './manifest.js';
export type { JsonObject, JsonPrimitive, JsonValue } from './json.js';
export type * from './generated/core-types.js';
