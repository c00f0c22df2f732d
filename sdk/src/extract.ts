import vm from 'node:vm';
import { print, type DocumentNode } from 'graphql';
import { PluginBuildError } from './build-error.js';

export interface ExtractedPlugin {
  /** The declared and derived manifest, as a plain copy; validated by the caller. */
  manifest: Record<string, unknown>;
  schema: string | undefined;
  configSchema: Record<string, unknown>;
  /** Declared inputs by `Type.field`, printed as GraphQL. */
  inputs: Record<string, string>;
  /** Widgets' declared inputs by widget id, printed as GraphQL. */
  widgetInputs: Record<string, string>;
}

const NO_CONFIG = { type: 'object', properties: {}, additionalProperties: false };

/**
 * Loads a built bundle in a bare node:vm context, as bare as an isolate (no timers, no fetch,
 * no Node), and copies out what the manifest needs. The author's own code on the author's
 * machine: node:vm is no security boundary, so whoever receives a bundle must not do this.
 */
export function extractPlugin(code: string): ExtractedPlugin {
  const sandbox = vm.createContext({});
  try {
    vm.runInContext(code, sandbox, { filename: 'plugin.js', timeout: 5_000 });
  } catch (err) {
    throw new PluginBuildError([`the plugin failed while loading: ${describe(err)}`]);
  }
  const plugin = (sandbox as { mosaicPlugin?: PluginLike }).mosaicPlugin;
  if (typeof plugin?.manifest?.sdkApiVersion !== 'number') {
    throw new PluginBuildError(['the entry must `export default definePlugin({ ... })`']);
  }
  const { manifest, schema, inputs } = copy<Pick<PluginLike, 'schema' | 'inputs'> & { manifest: Record<string, unknown> }>(
    { manifest: plugin.manifest, schema: plugin.schema, inputs: plugin.inputs },
  );
  return {
    manifest, schema, configSchema: copy(configSchemaOf(plugin.config) as Record<string, unknown>),
    inputs: printInputs(inputs ?? {}), widgetInputs: printWidgetInputs(plugin.widgets ?? {}),
  };
}

interface PluginLike {
  manifest?: { sdkApiVersion?: unknown };
  schema?: string;
  inputs?: Record<string, Record<string, unknown>>;
  widgets?: Record<string, { input?: unknown }>;
  config?: { toJSONSchema?: (params: { io: 'input' }) => unknown };
}

/** The input side: a field with a default is optional in the installer's form. */
function configSchemaOf(config: PluginLike['config']): unknown {
  if (!config) return NO_CONFIG;
  if (typeof config.toJSONSchema !== 'function') {
    throw new PluginBuildError(['config must be a zod object schema (z.object from @mosaic/sdk)']);
  }
  try {
    return config.toJSONSchema({ io: 'input' });
  } catch (err) {
    throw new PluginBuildError([`config cannot be described as JSON Schema for the install form: ${describe(err)}`]);
  }
}

/** Values from the vm's realm, re-created in ours (and proven to be plain JSON on the way). */
const copy = <T extends object>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The documents `graphql` parsed, as the text the manifest carries (fragments it spreads included). */
function printInputs(inputs: Record<string, Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [type, fields] of Object.entries(inputs)) {
    for (const [field, document] of Object.entries(fields)) {
      try {
        out[`${type}.${field}`] = print(document as unknown as DocumentNode);
      } catch {
        throw new PluginBuildError([`inputs.${type}.${field}: must be a document from graphql(\`fragment … on ${type} { … }\`) of @mosaic/sdk`]);
      }
    }
  }
  return out;
}

/** Each widget's `input`, by widget id, as the text the manifest carries. */
function printWidgetInputs(widgets: Record<string, { input?: unknown }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, widget] of Object.entries(widgets)) {
    if (widget.input === undefined) continue;
    try {
      out[id] = print(widget.input as DocumentNode);
    } catch {
      throw new PluginBuildError([`widgets.${id}.input: must be a document from graphql(\`fragment … on … { … }\`) of @mosaic/sdk`]);
    }
  }
  return out;
}

// Errors from the vm's realm are not `instanceof Error` here.
const describe = (err: unknown) => String((err as { message?: unknown })?.message ?? err);
