import DataLoader from 'dataloader';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import type { ControlDb } from '../../db/control.js';
import type { TenantContext } from '../../tenancy/context.js';
import { AppError } from '../../lib/errors.js';
import { listInstallations, type Installation, type SchemaChange } from '../installer/index.js';
import { loadVersion } from '../registry/index.js';
import { composeSchema, type ComposedSchema, type SchemaContribution } from './compose.js';
import type { ShapedParent } from './declared-inputs.js';
import { coreFieldsAhead } from '../../graphql/fields-ahead.js';
import { answeredAhead, NOT_ANSWERED, resolveListsAhead, type FieldAhead } from '../../graphql/lists-ahead.js';
import { widgetInputsByCoordinate, type PluginManifest } from '@mosaic/sdk/schema';

/** What the host knows of one batch beyond its parents. */
export interface BatchCall {
  /** The parents are already the field's declared input, to send as they are. */
  declared: boolean;
  /** The field's storage input templates (manifest.storageInputs), if it declares any: what to read of the plugin's storage with the call. */
  storageInputs?: readonly string[];
  /** How long the result may be answered again (manifest.resultCache), if the field declares it. */
  maxAgeSeconds?: number;
}

/** How a plugin field's batch is resolved: all parents of one field at one level, one crossing. */
export type ResolveBatch = (
  tenant: TenantContext,
  installation: Installation,
  coordinate: { type: string; field: string },
  parents: readonly unknown[],
  args: Record<string, unknown>,
  context: object,
  call: BatchCall,
) => Promise<readonly unknown[]>;

interface Cached {
  key: string;
  composed: ComposedSchema;
  checkedAt: number;
}

type Contribution = SchemaContribution & { installation: Installation };

/**
 * An entry the sandbox marked as that parent's own failure becomes an error on its field only:
 * BAD_USER_INPUT when the plugin said the caller's input is wrong, else PLUGIN_FAILED.
 */
const itemResult = (c: SchemaContribution) => (item: unknown): unknown => {
  if (item === null || typeof item !== 'object') return item;
  const { __mosaicItemError: failure, __mosaicItemCode: code } = item as { __mosaicItemError?: unknown; __mosaicItemCode?: unknown };
  if (typeof failure !== 'string') return item;
  return new AppError(code === 'BAD_USER_INPUT' ? 'BAD_USER_INPUT' : 'PLUGIN_FAILED', `${c.pluginId}: ${failure}`);
};

/** Sends the parents whose input resolved; the others answer their input's error. */
async function withShapedParents(shaped: ShapedParent[], send: (parents: unknown[]) => Promise<unknown[]>): Promise<unknown[]> {
  const ready = shaped.flatMap((p) => (p.ok ? [p.value] : []));
  const answers = ready.length ? await send(ready) : [];
  let next = 0;
  return shaped.map((p) => (p.ok ? answers[next++] : p.error));
}

/** A plugin's declared inputs as the composed schema checks and resolves them: its fields' and its widgets'. */
const inputsOf = (manifest: PluginManifest): Record<string, string> => ({ ...manifest.inputs, ...widgetInputsByCoordinate(manifest) });

/** Per-request DataLoaders for plugin fields, kept on the GraphQL context object. */
const loadersOf = new WeakMap<object, Map<string, DataLoader<unknown, unknown>>>();

/**
 * Each tenant's composed schema, cached by the revisions of its active installations and
 * recomposed (without restart) when they change. Installs in this process invalidate at once;
 * other processes notice within `recheckMs`.
 */
export class TenantSchemas {
  readonly #cache = new Map<string, Cached>();

  constructor(
    private readonly control: ControlDb,
    private readonly base: GraphQLSchema,
    private readonly resolveBatch: ResolveBatch,
    private readonly recheckMs = 2_000,
  ) {}

  async schemaFor(tenant: TenantContext): Promise<GraphQLSchema> {
    return (await this.composedFor(tenant)).schema;
  }

  /** The tenant's schema with its plugins' declared inputs (fields' and widgets'), ready to resolve. */
  async composedFor(tenant: TenantContext): Promise<ComposedSchema> {
    const cached = this.#cache.get(tenant.tenantId);
    if (cached && Date.now() - cached.checkedAt < this.recheckMs) return cached.composed;
    const active = await listInstallations(this.control, tenant.tenantId, { activeOnly: true });
    const key = active.map((i) => `${i.id}#${i.revision}`).join(',');
    if (cached?.key === key) {
      cached.checkedAt = Date.now();
      return cached.composed;
    }
    const composed = await this.compose(await this.contributions(active));
    this.#cache.set(tenant.tenantId, { key, composed, checkedAt: Date.now() });
    return composed;
  }

  /**
   * Composes the tenant's schema as it would be with `pluginId` at `version` (or without it, for
   * null), throwing CONFLICT when that is impossible. The installer calls this before committing.
   */
  async check(tenantId: string, change: SchemaChange): Promise<void> {
    const others = (await listInstallations(this.control, tenantId, { activeOnly: true })).filter((i) => i.pluginId !== change.pluginId);
    const contributions = await this.contributions(others);
    if (change.version) {
      const { manifest } = await loadVersion(this.control, change.pluginId, change.version);
      contributions.push({
        installationId: 'prospective', pluginId: manifest.id, version: manifest.version, sdl: manifest.schema,
        resolvers: manifest.resolvers, inputs: inputsOf(manifest), grantedScopes: change.grantedScopes ?? manifest.scopes,
        prospective: true, installation: undefined as never,
      });
    }
    composeSchema(this.base, contributions, () => () => null);
  }

  invalidate(tenantId: string): void {
    this.#cache.delete(tenantId);
  }

  private async contributions(active: Installation[]): Promise<Contribution[]> {
    return Promise.all(active.map(async (installation) => {
      const { manifest } = await loadVersion(this.control, installation.pluginId, installation.version);
      return {
        installationId: installation.id, pluginId: installation.pluginId, version: installation.version,
        sdl: manifest.schema, resolvers: manifest.resolvers, inputs: inputsOf(manifest), storageInputs: manifest.storageInputs,
        resultCache: manifest.resultCache, grantedScopes: installation.grantedScopes, installation,
      };
    }));
  }

  private compose(contributions: Contribution[]): ComposedSchema {
    const pluginsAhead = new Map<string, FieldAhead>();
    const composed = composeSchema(this.base, contributions, (c, type, field, composedSchema) => {
      const plugin = this.pluginField(c as Contribution, type, field, composedSchema);
      pluginsAhead.set(`${type}.${field}`, plugin.ahead);
      return plugin.resolve;
    });
    // Without plugin fields the schema is the base, whose own fields are sent ahead already.
    if (pluginsAhead.size > 0) resolveListsAhead(composed.schema, new Map([...coreFieldsAhead, ...pluginsAhead]));
    return composed;
  }

  /**
   * Batches every parent of this field in one request level into one sandbox crossing; a field
   * with a declared input first resolves that input for the batch, and a parent whose input
   * failed gets the error on this field alone. The parents of a list are sent ahead of the
   * items' own calls (lists-ahead.ts), which then answer at once; the others go through a
   * DataLoader. Either way the batches of one tick are one crossing.
   */
  private pluginField(c: Contribution, type: string, field: string, composed: () => ComposedSchema): { resolve: GraphQLFieldResolver<unknown, unknown>; ahead: FieldAhead } {
    const coordinate = `${type}.${field}`;
    const keyOf = (args: Record<string, unknown>) => `${c.installationId}|${coordinate}|${JSON.stringify(args)}`;
    const batchFor = (context: { tenant: TenantContext }, args: Record<string, unknown>) => {
      const invoke = async (parents: readonly unknown[], call: BatchCall) =>
        (await this.resolveBatch(context.tenant, c.installation, { type, field }, parents, args, context, call)).map(itemResult(c));
      const { inputs } = composed();
      const templates = c.storageInputs?.[coordinate];
      const maxAgeSeconds = c.resultCache?.[coordinate]?.maxAgeSeconds;
      const declaredCall: BatchCall = { declared: true, ...(templates && { storageInputs: templates }), ...(maxAgeSeconds !== undefined && { maxAgeSeconds }) };
      return inputs.has(coordinate)
        ? async (parents: readonly unknown[]) => withShapedParents(await inputs.resolve(coordinate, parents, context), (shaped) => invoke(shaped, declaredCall))
        : (parents: readonly unknown[]) => invoke(parents, { declared: false });
    };
    const loaderFor = <K, V>(context: { tenant: TenantContext }, key: string, make: () => DataLoader<K, V>): DataLoader<K, V> => {
      let loaders = loadersOf.get(context);
      if (!loaders) loadersOf.set(context, (loaders = new Map()));
      let loader = loaders.get(key) as DataLoader<K, V> | undefined;
      if (!loader) loaders.set(key, (loader = make()) as DataLoader<unknown, unknown>);
      return loader;
    };
    const resolve: GraphQLFieldResolver<unknown, unknown> = (parent, args, ctx) => {
      const context = ctx as { tenant: TenantContext };
      const key = keyOf(args);
      const answer = answeredAhead(context, parent, key);
      if (answer !== NOT_ANSWERED) return answer;
      return loaderFor(context, key, () => new DataLoader<unknown, unknown>(batchFor(context, args), { cache: false })).load(parent ?? {});
    };
    const ahead: FieldAhead = {
      keyOf,
      resolve: (ctx, parents, args) => {
        const context = ctx as { tenant: TenantContext };
        // Lists sent in one tick (each customer's orders of a page) are one batch, as through the DataLoader.
        const lists = loaderFor(context, `${keyOf(args)}|lists`, () => new DataLoader<readonly object[], readonly unknown[]>(async (groups) => {
          // One answer per parent: the sandbox's supervisor refuses a resolver's answer of another length.
          const answers = await batchFor(context, args)(groups.flat());
          let next = 0;
          return groups.map((group) => answers.slice(next, (next += group.length)));
        }, { cache: false }));
        return lists.load(parents);
      },
    };
    return { resolve, ahead };
  }
}
