import type { ControlDb } from '../../db/control.js';
import type { TenantDatabases } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { recordAudit } from '../../tenancy/audit.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createHostFunction, invocationCause, type Caller, type HostDeps, type HostLimits, type SharedReads } from '../host/index.js';
import { readSecrets, type Installation, type SecretVault } from '../installer/index.js';
import { loadVersion, type LoadedVersion } from '../registry/index.js';
import { isPluginError, type Invocation, type InvocationMetrics, type PluginErrorCode, type SandboxLimits, type SandboxSupervisor } from '@mosaic/sandbox';
import { Breakers, failureKind } from './breaker.js';
import { Metering } from './metering.js';
import { tracePluginCall } from '../../ops/tracing-plugins.js';

export interface PluginRuntimeDeps {
  control: ControlDb;
  tenants: TenantDatabases;
  vault: SecretVault;
  logger: Logger;
  sandbox: SandboxSupervisor;
  egress: HostDeps['egress'];
  hostLimits: HostLimits;
  sandboxLimits?: Partial<SandboxLimits>;
}

type EntryPart = Pick<Invocation, 'entry'> & Record<string, unknown>;

/**
 * Runs installed plugins: loads (and re-verifies) their published bundle once per process, hands
 * the sandbox an invocation with a host function limited to the installation's grants, and
 * meters, logs and circuit-breaks every call. Failures surface as AppErrors with the plugin
 * codes (PLUGIN_FAILED, PLUGIN_TIMEOUT) for the caller to place on the plugin's own fields.
 */
export class PluginRuntime {
  readonly metering: Metering;
  readonly #versions = new Map<string, Promise<LoadedVersion>>();
  readonly #secrets = new Map<string, Promise<Record<string, string>>>();
  readonly #breakers = new Breakers();

  constructor(private readonly deps: PluginRuntimeDeps) {
    this.metering = new Metering(deps.control, deps.logger);
  }

  /**
   * Calls one entry of the plugin installed as `installation` in `tenant`, for `caller` (the
   * API principal of a GraphQL request; null for events and webhooks, where the installation acts).
   * `sharedReads`: the reads this call shares with the other widgets of its page render.
   */
  async invoke(tenant: TenantContext, installation: Installation, part: EntryPart, caller: Caller | null, sharedReads?: SharedReads): Promise<unknown> {
    return (await this.invokeMetered(tenant, installation, part, caller, sharedReads)).value;
  }

  /** As `invoke`, with the call's metrics (a kept result needs to know it made no host call). */
  async invokeMetered(
    tenant: TenantContext, installation: Installation, part: EntryPart, caller: Caller | null, sharedReads?: SharedReads,
  ): Promise<{ value: unknown; metrics: InvocationMetrics }> {
    const breakerKey = installation.id;
    const wait = this.#breakers.retryAfter(breakerKey);
    if (wait > 0) {
      throw new AppError('PLUGIN_FAILED', `${installation.pluginId} failed repeatedly and is paused for ${Math.ceil(wait / 1000)}s`);
    }
    const version = await this.#version(installation.pluginId, installation.version);
    const secrets = await this.#secretsOf(installation);
    const usage = { fetches: 0, fetchBytes: 0 };
    let refusedForCaller = false;
    const host = createHostFunction({
      tenant, // the host acts as `plugin:<id>`, with what the cause allows (see host/authority.ts)
      installation,
      cause: invocationCause(part.entry, caller),
      audit: (entry) => recordAudit(this.deps.control, entry),
      onRefusedForCaller: () => {
        refusedForCaller = true;
      },
      secrets,
      egress: this.deps.egress,
      limits: this.deps.hostLimits,
      log: (entry) => this.metering.log({ tenantId: tenant.tenantId, pluginId: installation.pluginId, ...entry }),
      usage,
      sharedReads,
    });
    const invocation = {
      ...part,
      installationKey: installationKeyOf(tenant, installation),
      bundle: { code: version.bundle, sha256: version.bundleSha256 },
      context: {
        tenant: { id: tenant.tenantId, slug: tenant.tenantSlug },
        installation: { id: installation.id, pluginId: installation.pluginId, version: installation.version },
        config: installation.config,
      },
      // A caller's tighter deadline (a widget within its page's budget) overrides the operator's.
      limits: part.limits ? { ...this.deps.sandboxLimits, ...(part.limits as Partial<SandboxLimits>) } : this.deps.sandboxLimits,
    } as Invocation;
    const sample = { tenantId: tenant.tenantId, pluginId: installation.pluginId };
    try {
      const result = await tracePluginCall(sample, part.entry, host, (traced) => this.deps.sandbox.invoke(invocation, traced));
      this.#breakers.succeeded(breakerKey);
      this.metering.record({ ...sample, failed: false, cpuMs: result.metrics.cpuMs, wallMs: result.metrics.wallMs, ...usage });
      return { value: result.value, metrics: result.metrics };
    } catch (err) {
      const code = failureCode(err, refusedForCaller);
      // The caller's failures (input the plugin refused, a write the caller's key may not make)
      // are counted apart: they must not pause the plugin for everyone. (Arguments refused
      // before the plugin runs never get here.)
      const kind = failureKind(code);
      this.#breakers.failed(breakerKey, kind);
      const metrics = isPluginError(err) ? err.metrics : { cpuMs: 0, wallMs: 0 };
      this.metering.record({ ...sample, failed: true, cpuMs: metrics.cpuMs, wallMs: metrics.wallMs, ...usage });
      const message = err instanceof Error ? err.message : String(err);
      this.metering.log({ ...sample, level: kind === 'caller' ? 'warn' : 'error', message: `${describe(part)} failed: ${message}`, data: { code } });
      throw new AppError(code, `${installation.pluginId}: ${message}`);
    }
  }

  /** Each installation (by id) whose breaker counts failures, and whether it is paused now. */
  breakerStates(): Iterable<{ key: string; failures: number; open: boolean }> {
    return this.#breakers.tripped();
  }

  /** Drops cached secrets of a tenant's installations (after configure/uninstall). */
  forget(installationId?: string): void {
    if (!installationId) return this.#secrets.clear();
    for (const key of this.#secrets.keys()) if (key.startsWith(`${installationId}/`)) this.#secrets.delete(key);
  }

  async close(): Promise<void> {
    await this.metering.close();
  }

  #version(pluginId: string, version: string): Promise<LoadedVersion> {
    const key = `${pluginId}@${version}`;
    let pending = this.#versions.get(key);
    if (!pending) {
      pending = loadVersion(this.deps.control, pluginId, version);
      pending.catch(() => this.#versions.delete(key));
      this.#versions.set(key, pending);
    }
    return pending;
  }

  #secretsOf(installation: Installation): Promise<Record<string, string>> {
    const key = `${installation.id}/${installation.revision}`;
    let pending = this.#secrets.get(key);
    if (!pending) {
      pending = readSecrets(this.deps.control, this.deps.vault, installation.id);
      pending.catch(() => this.#secrets.delete(key));
      this.#secrets.set(key, pending);
    }
    return pending;
  }
}

/** An installation as the sandbox keys its isolate: a new revision (config, version, grants) gets a fresh one; tenants never share one. */
export const installationKeyOf = (tenant: TenantContext, installation: Installation): string =>
  `${tenant.tenantId}/${installation.id}/${installation.revision}`;

/**
 * The code a failed invocation answers with: the plugin's (BAD_USER_INPUT, PLUGIN_FAILED,
 * PLUGIN_TIMEOUT), or FORBIDDEN when the plugin let escape a write refused for the caller's
 * rights: the caller then learns it lacks them, as it would from a core mutation. Likewise
 * NOT_FOUND for a write about a record beyond the caller's reach (a portal customer's neighbour's).
 */
function failureCode(err: unknown, refusedForCaller: boolean): PluginErrorCode | 'FORBIDDEN' | 'NOT_FOUND' {
  if (!isPluginError(err)) return 'PLUGIN_FAILED';
  const callers = err.pluginCode === 'FORBIDDEN' || err.pluginCode === 'NOT_FOUND';
  return refusedForCaller && callers ? (err.pluginCode as 'FORBIDDEN' | 'NOT_FOUND') : err.code;
}

function describe(part: EntryPart): string {
  const e = part.entry;
  switch (e.kind) {
    case 'resolver':
      return `resolver ${e.type}.${e.field}`;
    case 'event':
      return `event handler ${e.type}`;
    case 'widget':
      return `widget ${e.id}`;
    default:
      return `${e.kind} ${e.name}`;
  }
}
