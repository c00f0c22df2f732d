import type { IResolvers } from '@graphql-tools/utils';
import { and, desc, eq } from 'drizzle-orm';
import type { PluginManifest } from '@mosaic/sdk/schema';
import { pluginUsage } from '../db/control-schema.js';
import {
  configurePlugin, findInstallationById, installPlugin, listInstallations, purgePluginData, rollbackPlugin, secretNames, uninstallPlugin, upgradePlugin,
  type Installation,
} from '../plugins/installer/index.js';
import { recentPluginLogs } from '../plugins/plugin-health.js';
import { listCatalog, loadVersion, publishVersion } from '../plugins/registry/index.js';
import { AppError } from '../lib/errors.js';
import { toGlobalId } from '../lib/ids.js';
import { assertAdmin } from '../tenancy/context.js';
import type { GraphQLContext } from './context.js';
import { issuesUnder } from './mutation-input.js';

type SecretList = { name: string; value: string }[] | null | undefined;

const secretsRecord = (list: SecretList) => Object.fromEntries((list ?? []).map((s) => [s.name, s.value]));

const versionView = (m: PluginManifest) => ({
  pluginId: m.id, version: m.version, name: m.name, publisher: m.publisher, description: m.description,
  scopes: m.scopes, egress: m.egress, secrets: m.secrets, events: m.events, configSchema: m.configSchema, schema: m.schema ?? null,
});

/** Only admins of the tenant manage its plugins; the acting admin is recorded in the audit log. */
function admin(ctx: GraphQLContext) {
  assertAdmin(ctx.tenant);
  if (!ctx.plugins) throw new AppError('INTERNAL_SERVER_ERROR', 'plugins are not enabled on this server');
  return { plugins: ctx.plugins, who: { tenantId: ctx.tenant.tenantId, actor: ctx.tenant.actor } };
}

/**
 * The tenant's installation with this local id, for Query.node: admins only, as
 * pluginInstallations is; undefined when the tenant has none with that id (or plugins are off,
 * so there are none).
 */
export async function loadInstallation(ctx: GraphQLContext, id: string): Promise<Installation | undefined> {
  assertAdmin(ctx.tenant);
  if (!ctx.plugins) return undefined;
  return findInstallationById(ctx.plugins.installer.control, ctx.tenant.tenantId, id);
}

export const pluginAdminResolvers: IResolvers<unknown, GraphQLContext> = {
  PluginInstallation: {
    id: (i: Installation) => toGlobalId('PluginInstallation', i.id),
    status: (i: Installation) => i.status.toUpperCase(),
    secretNames: (i: Installation, _: unknown, ctx: GraphQLContext) => secretNames(ctx.plugins!.installer.control, i.id),
    webhookPaths: async (i: Installation, _: unknown, ctx: GraphQLContext) => {
      const { manifest } = await loadVersion(ctx.plugins!.installer.control, i.pluginId, i.version);
      return manifest.webhooks.map((w) => `/t/${ctx.tenant.tenantSlug}/webhooks/${i.id}/${w.name}`);
    },
  },
  PluginLogEntry: {
    level: (l: { level: string }) => l.level.toUpperCase(),
  },
  Query: {
    marketplace: async (_: unknown, __: unknown, ctx: GraphQLContext) => {
      const { plugins } = admin(ctx);
      const catalog = await listCatalog(plugins.installer.control);
      return catalog.map((e) => ({ pluginId: e.pluginId, versions: e.versions, latest: versionView(e.latest) }));
    },
    pluginInstallations: (_: unknown, __: unknown, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      return listInstallations(plugins.installer.control, who.tenantId);
    },
    pluginLogs: async (_: unknown, args: { pluginId: string; first: number }, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      await plugins.runtime.metering.flush();
      return recentPluginLogs(plugins.installer.control, who.tenantId, args.pluginId, args.first);
    },
    deadLetters: async (_: unknown, args: { pluginId?: string | null; first: number }, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      const letters = await plugins.events.listDeadLetters(who.tenantId, { pluginId: args.pluginId ?? undefined, first: args.first });
      return letters.map((l) => ({ ...l, eventType: l.event.type, payload: l.event.payload }));
    },
    pluginUsage: async (_: unknown, args: { pluginId: string }, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      await plugins.runtime.metering.flush();
      const rows = await plugins.installer.control.select().from(pluginUsage)
        .where(and(eq(pluginUsage.tenantId, who.tenantId), eq(pluginUsage.pluginId, args.pluginId)))
        .orderBy(desc(pluginUsage.hour)).limit(24 * 31);
      return rows.map((r) => ({ ...r, hour: new Date(r.hour * 3_600_000) }));
    },
  },
  Mutation: {
    publishPluginVersion: async (_: unknown, { input }: { input: { publisherId: string; manifest: string; bundle: string; signature: string } }, ctx: GraphQLContext) => {
      const { plugins } = admin(ctx);
      return { version: versionView(await publishVersion(plugins.installer.control, input)) };
    },
    installPlugin: async (_: unknown, { input }: { input: Record<string, unknown> & { version: string; secrets: SecretList } }, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      const { version, secrets, ...rest } = input;
      return issuesUnder('input', async () => ({
        installation: await installPlugin(plugins.installer, who, { ...rest, range: version, secrets: secretsRecord(secrets), config: rest.config ?? {} }),
      }), { range: 'version' });
    },
    configurePlugin: async (_: unknown, { input }: { input: { pluginId: string; config?: unknown; secrets?: SecretList } }, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      const raw = { pluginId: input.pluginId, config: input.config ?? undefined, secrets: input.secrets ? secretsRecord(input.secrets) : undefined };
      return issuesUnder('input', async () => ({ installation: await configurePlugin(plugins.installer, who, raw) }));
    },
    upgradePlugin: async (_: unknown, { input }: { input: Record<string, unknown> & { version: string } }, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      const { version, ...rest } = input;
      return issuesUnder('input', async () => ({ installation: await upgradePlugin(plugins.installer, who, { ...rest, range: version }) }), { range: 'version' });
    },
    rollbackPlugin: async (_: unknown, args: { pluginId: string }, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      return { installation: await rollbackPlugin(plugins.installer, who, args.pluginId) };
    },
    replayDeadLetter: async (_: unknown, args: { eventId: string; pluginId: string }, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      await plugins.events.replay(who.tenantId, args.eventId, args.pluginId);
      return { eventId: args.eventId, pluginId: args.pluginId };
    },
    uninstallPlugin: async (_: unknown, args: { pluginId: string }, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      return { installation: await uninstallPlugin(plugins.installer, who, args.pluginId) };
    },
    purgePluginData: async (_: unknown, args: { pluginId: string }, ctx: GraphQLContext) => {
      const { plugins, who } = admin(ctx);
      return { pluginId: args.pluginId, ...(await purgePluginData(plugins.installer, who, args.pluginId)) };
    },
  },
};
