import { canonicalHostPattern } from '@mosaic/sdk/schema';
import { z } from 'zod';
import { databaseConfigFromEnv, type DatabaseConfig } from './db/config.js';
import { ROLES, type Role } from './db/control-schema.js';
import { readDevHosts } from './plugins/egress/dev-hosts.js';
import type { PluginSettings } from './plugins/platform.js';

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** An http(s) URL, or empty for unset (an empty variable is how a shell unsets it in a compose file). */
const otlpUrl = z.string().trim().max(2000).regex(/^(https?:\/\/[^\s]+)?$/, 'an http:// or https:// URL').optional();

/** Limits and switches an operator can set per deployment through the environment. */
const serverEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** `1` shows unexpected errors' messages to clients (local development only). */
  MOSAIC_DEV_ERRORS: z.enum(['0', '1', '']).default(''),
  /** Largest request body accepted, in bytes. */
  MOSAIC_MAX_BODY_BYTES: int(1024 * 1024),
  MOSAIC_MAX_DEPTH: int(12),
  MOSAIC_MAX_ALIASES: int(30),
  MOSAIC_MAX_TOKENS: int(5000),
  MOSAIC_MAX_DIRECTIVES: int(50),
  /** Structural cost per operation (graphql-armor's estimate). */
  MOSAIC_MAX_STRUCTURAL_COST: int(20_000),
  /** Cost per operation counting page sizes (`first`), which the rate limiter charges. */
  MOSAIC_MAX_QUERY_COST: int(25_000),
  /** Cost points each tenant may spend per minute; bursts up to one minute's worth. */
  MOSAIC_RATE_LIMIT_PER_MINUTE: int(300_000),
  /** Open GraphQL subscriptions (live streams) a tenant may hold at once, and one API key. */
  MOSAIC_MAX_SUBSCRIPTIONS_PER_TENANT: int(100),
  MOSAIC_MAX_SUBSCRIPTIONS_PER_KEY: int(20),
  /** Roles whose keys may introspect their tenant's schema (comma-separated; empty for nobody). */
  MOSAIC_INTROSPECTION_ROLES: z.string().optional(),
  /** The earlier switch, still read when MOSAIC_INTROSPECTION_ROLES is unset: admins, all or none. */
  MOSAIC_INTROSPECTION: z.enum(['admins', 'all', 'none']).optional(),
  /** Sandbox worker processes hosting plugin isolates. */
  MOSAIC_SANDBOX_WORKERS: int(1),
  /** RSS (MB) past which a sandbox worker is replaced once its calls finish; below 128 it would thrash. */
  MOSAIC_SANDBOX_WORKER_MAX_RSS_MB: z.coerce.number().int().min(128).default(1024),
  MOSAIC_PLUGIN_WARM_INSTALLATIONS: int(100),
  /** Millions of characters of kept plugin results (fields that declare resultCache), over all tenants; 0 keeps none. */
  MOSAIC_PLUGIN_RESULT_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(32),
  MOSAIC_PLUGIN_RETENTION_DAYS: int(30),
  /** Delivered events (outbox rows and their deliveries) are kept this long; dead letters stay until replayed. */
  MOSAIC_EVENT_RETENTION_SECONDS: int(7 * 86_400),
  MOSAIC_PLUGIN_LOG_RETENTION_SECONDS: int(14 * 86_400),
  /** Hourly plugin usage (the admin pages' charts) is kept this long. */
  MOSAIC_PLUGIN_USAGE_RETENTION_DAYS: int(90),
  /** How often the retention sweep (events, plugin logs and usage, ended web sessions, uninstalled plugins' data) runs. */
  MOSAIC_RETENTION_SWEEP_SECONDS: int(3_600),
  MOSAIC_PLUGIN_STORAGE_QUOTA_BYTES: int(1024 * 1024),
  /** Hostnames plugins may reach on private or loopback addresses (local development only). */
  MOSAIC_EGRESS_ALLOW_PRIVATE_HOSTS: z.string().default('').transform(canonicalHostList),
  /** Development only: `name=loopback address` pairs answered instead of DNS (simulated outside services). */
  MOSAIC_EGRESS_DEV_HOSTS: z.string().default('').transform(devHostMap),
  /** Outgoing mail (password reset links): `smtp://user:pass@host:port` or `smtps://…`; unset keeps mail in the outbox only. */
  MOSAIC_SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'an smtp:// or smtps:// URL').optional(),
  MOSAIC_MAIL_FROM: z.string().trim().min(3).max(200).default('Mosaic <no-reply@localhost>'),
  /** `1` marks session cookies Secure even on plain-HTTP requests (behind a TLS-terminating proxy). */
  MOSAIC_SECURE_COOKIES: z.enum(['0', '1', '']).default(''),
  /** Development only: /t/<slug>/mailbox lists each tenant's outgoing mail, reset links included. */
  MOSAIC_DEV_MAILBOX: z.enum(['0', '1', '']).default(''),
  /** The address people reach the server at (scheme, host, port), for links in mail. */
  MOSAIC_PUBLIC_URL: z.string().max(200).regex(/^https?:\/\/[A-Za-z0-9.\-\[\]:]+\/?$/, 'an http:// or https:// origin without a path').optional(),
  /** Key for signing the sign-in forms' CSRF cookie; unset, each process makes its own (forms die on restart). */
  MOSAIC_WEB_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** Bearer token that opens /metrics to clients beyond loopback. */
  MOSAIC_METRICS_TOKEN: z.string().min(16, 'at least 16 characters').max(256).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
  /** `0` stops serving /metrics to loopback clients without the token (a proxy on the same host). */
  MOSAIC_METRICS_LOOPBACK: z.enum(['0', '1', '']).default(''),
  /** How long a shutdown waits for requests in flight before it cuts their connections. */
  MOSAIC_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /**
   * `several`: nodes share rate limits and live updates through the database (the default on a
   * libsql server); `one`: both stay in this process (the default on embedded files).
   */
  MOSAIC_NODES: z.enum(['one', 'several', '']).default(''),
  /** An OTLP/HTTP collector (`http://collector:4318`): traces go to its /v1/traces. Unset (and no OTEL_ endpoint): no tracing. */
  MOSAIC_OTLP_ENDPOINT: otlpUrl,
  /** The standard OpenTelemetry names, read when MOSAIC_OTLP_ENDPOINT is unset: the traces URL itself, or the collector's. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl,
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
  /** The service name traces carry. */
  OTEL_SERVICE_NAME: z.string().trim().max(100).regex(/^[\x21-\x7e]*$/, 'printable ASCII without spaces').optional(),
});

/**
 * A comma-separated host list in canonical form; an entry the egress guard would refuse (an IP
 * address written other than canonically, such as 0x7f000001) stops the server at start-up.
 */
function canonicalHostList(list: string, ctx: z.RefinementCtx): string[] {
  return list.split(',').map((h) => h.trim()).filter(Boolean).map((entry) => {
    const reading = canonicalHostPattern(entry);
    if (reading.problem !== undefined) ctx.addIssue({ code: 'custom', message: reading.problem });
    return reading.host ?? entry;
  });
}

/** MOSAIC_EGRESS_DEV_HOSTS read by the egress guard's rules; any refused entry stops the start-up. */
function devHostMap(list: string, ctx: z.RefinementCtx): Record<string, string> {
  const { hosts, problems } = readDevHosts(list);
  for (const message of problems) ctx.addIssue({ code: 'custom', message });
  return hosts;
}

const DEFAULT_INTROSPECTION_ROLES: readonly Role[] = ['admin', 'integrator'];
const LEGACY_INTROSPECTION: Record<'admins' | 'all' | 'none', readonly Role[]> = { admins: ['admin'], all: ROLES, none: [] };

/**
 * MOSAIC_INTROSPECTION_ROLES as a role list; MOSAIC_INTROSPECTION (admins|all|none) still works on
 * its own, but both at once would leave one silently ignored, so that stops the start-up.
 */
function introspectionRoles(list: string | undefined, legacy: keyof typeof LEGACY_INTROSPECTION | undefined): readonly Role[] {
  if (list !== undefined && legacy !== undefined) {
    throw new Error('bad configuration: set MOSAIC_INTROSPECTION_ROLES or the older MOSAIC_INTROSPECTION, not both');
  }
  if (legacy !== undefined) return LEGACY_INTROSPECTION[legacy];
  if (list === undefined) return DEFAULT_INTROSPECTION_ROLES;
  const roles = list.split(',').map((r) => r.trim().toLowerCase()).filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) {
    throw new Error(`bad configuration: MOSAIC_INTROSPECTION_ROLES: unknown role ${unknown.map((r) => `"${r}"`).join(', ')} (roles: ${ROLES.join(', ')})`);
  }
  return ROLES.filter((r) => roles.includes(r));
}

export interface ServerConfig {
  port: number;
  host: string;
  /** Unexpected errors reach the client with their message (never by default). */
  devErrors: boolean;
  maxBodyBytes: number;
  database: DatabaseConfig;
  /** Several nodes serve the same databases: cost budgets and live updates go through the control database. */
  severalNodes: boolean;
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    maxStructuralCost: number;
    maxQueryCost: number;
    costPerMinute: number;
    maxSubscriptionsPerTenant: number;
    maxSubscriptionsPerKey: number;
  };
  /** Who may introspect their tenant's schema; a refusal names these roles. */
  introspection: { roles: readonly Role[] };
  plugins: PluginSettings;
  /** The tenant web pages: outgoing mail and cookie settings. */
  web: WebSettings;
  /** Who may read /metrics, how long a shutdown drains, where traces go. */
  ops: OpsSettings;
}

export interface OpsSettings {
  /** MOSAIC_METRICS_TOKEN; null: only loopback clients read /metrics. */
  metricsToken: string | null;
  /** Loopback clients read /metrics without the token (unless MOSAIC_METRICS_LOOPBACK=0). */
  metricsFromLoopback: boolean;
  drainTimeoutMs: number;
  /** Where traces are exported; off (null endpoint) unless configured. */
  tracing: TracingSettings;
}

export interface TracingSettings {
  /** The OTLP/HTTP traces URL (…/v1/traces); null: tracing is off and costs nothing. */
  endpoint: string | null;
  /** `service.name` of every span (OTEL_SERVICE_NAME, else `mosaic`). */
  serviceName: string;
}

/**
 * The traces URL: MOSAIC_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT name a collector (its
 * /v1/traces is appended, as the OpenTelemetry spec does), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * the URL itself. Ours wins, so an operator can point Mosaic elsewhere than other services.
 */
function tracesEndpoint(e: { MOSAIC_OTLP_ENDPOINT?: string; OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string; OTEL_EXPORTER_OTLP_ENDPOINT?: string }): string | null {
  const collector = (base: string) => (base.endsWith('/v1/traces') ? base : `${base.replace(/\/+$/, '')}/v1/traces`);
  if (e.MOSAIC_OTLP_ENDPOINT) return collector(e.MOSAIC_OTLP_ENDPOINT);
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (e.OTEL_EXPORTER_OTLP_ENDPOINT) return collector(e.OTEL_EXPORTER_OTLP_ENDPOINT);
  return null;
}

export interface WebSettings {
  smtpUrl: string | null;
  mailFrom: string;
  /** Session cookies are Secure on every request, not only on https ones. */
  secureCookies: boolean;
  /** Signs the anonymous forms' CSRF cookie; null: a random key per process. */
  secret: string | null;
  /** Serve the development mailbox page (MOSAIC_DEV_MAILBOX=1; the demo turns it on). */
  devMailbox: boolean;
  /** MOSAIC_PUBLIC_URL without a trailing slash; null: links in mail follow loopback requests only. */
  publicUrl: string | null;
}

export function serverConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = serverEnv.safeParse(env);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`bad configuration: ${reasons}`);
  }
  const e = parsed.data;
  const database = databaseConfigFromEnv(env);
  return {
    port: e.PORT,
    host: e.HOST,
    devErrors: e.MOSAIC_DEV_ERRORS === '1',
    maxBodyBytes: e.MOSAIC_MAX_BODY_BYTES,
    database,
    severalNodes: e.MOSAIC_NODES === '' ? database.kind === 'server' : e.MOSAIC_NODES === 'several',
    limits: {
      maxDepth: e.MOSAIC_MAX_DEPTH,
      maxAliases: e.MOSAIC_MAX_ALIASES,
      maxTokens: e.MOSAIC_MAX_TOKENS,
      maxDirectives: e.MOSAIC_MAX_DIRECTIVES,
      maxStructuralCost: e.MOSAIC_MAX_STRUCTURAL_COST,
      maxQueryCost: e.MOSAIC_MAX_QUERY_COST,
      costPerMinute: e.MOSAIC_RATE_LIMIT_PER_MINUTE,
      maxSubscriptionsPerTenant: e.MOSAIC_MAX_SUBSCRIPTIONS_PER_TENANT,
      maxSubscriptionsPerKey: e.MOSAIC_MAX_SUBSCRIPTIONS_PER_KEY,
    },
    introspection: { roles: introspectionRoles(e.MOSAIC_INTROSPECTION_ROLES, e.MOSAIC_INTROSPECTION) },
    web: {
      smtpUrl: e.MOSAIC_SMTP_URL ?? null,
      mailFrom: e.MOSAIC_MAIL_FROM,
      secureCookies: e.MOSAIC_SECURE_COOKIES === '1',
      devMailbox: e.MOSAIC_DEV_MAILBOX === '1',
      publicUrl: e.MOSAIC_PUBLIC_URL?.replace(/\/$/, '') ?? null,
      secret: e.MOSAIC_WEB_SECRET ?? null,
    },
    ops: {
      metricsToken: e.MOSAIC_METRICS_TOKEN ?? null,
      metricsFromLoopback: e.MOSAIC_METRICS_LOOPBACK !== '0',
      drainTimeoutMs: e.MOSAIC_DRAIN_TIMEOUT_MS,
      tracing: { endpoint: tracesEndpoint(e), serviceName: e.OTEL_SERVICE_NAME || 'mosaic' },
    },
    plugins: {
      sandboxWorkers: e.MOSAIC_SANDBOX_WORKERS,
      sandboxWorkerMaxRssMb: e.MOSAIC_SANDBOX_WORKER_MAX_RSS_MB,
      maxWarmInstallations: e.MOSAIC_PLUGIN_WARM_INSTALLATIONS,
      resultCacheMb: e.MOSAIC_PLUGIN_RESULT_CACHE_MB,
      retentionDays: e.MOSAIC_PLUGIN_RETENTION_DAYS,
      history: {
        eventsMs: e.MOSAIC_EVENT_RETENTION_SECONDS * 1000,
        pluginLogsMs: e.MOSAIC_PLUGIN_LOG_RETENTION_SECONDS * 1000,
        pluginUsageMs: e.MOSAIC_PLUGIN_USAGE_RETENTION_DAYS * 86_400_000,
        sweepMs: e.MOSAIC_RETENTION_SWEEP_SECONDS * 1000,
      },
      egress: { allowPrivateHosts: e.MOSAIC_EGRESS_ALLOW_PRIVATE_HOSTS, devHosts: e.MOSAIC_EGRESS_DEV_HOSTS },
      hostLimits: {
        storageQuotaBytes: e.MOSAIC_PLUGIN_STORAGE_QUOTA_BYTES,
        maxStorageValueBytes: 64 * 1024,
        maxFetchesPerCall: 10,
        maxFetchBytesPerCall: 2 * 1024 * 1024,
        maxEmitsPerCall: 20,
      },
    },
  };
}
