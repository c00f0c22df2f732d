import type { AuditEntry } from '../../tenancy/audit.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { EgressPolicy } from '../egress/index.js';
import type { InvocationCause } from './authority.js';

/** The installation a host function acts for, as the installer recorded and granted it. */
export interface HostInstallation {
  id: string;
  pluginId: string;
  version: string;
  grantedScopes: readonly string[];
  /** Hosts the tenant admin granted, already intersected with the manifest's `egress`. */
  grantedEgress: readonly string[];
}

/** Operator settings; every "per call" limit counts one invocation of the plugin. */
export interface HostLimits {
  /** Key plus value bytes one plugin may keep in one tenant. */
  storageQuotaBytes: number;
  /** JSON bytes of one stored value. */
  maxStorageValueBytes: number;
  maxFetchesPerCall: number;
  /** Request and response body bytes of all fetches in one call together. */
  maxFetchBytesPerCall: number;
  maxEmitsPerCall: number;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface HostLogEntry {
  level: LogLevel;
  message: string;
  data?: unknown;
}

/** Metering of one invocation, incremented in place so the caller can record it afterwards. */
export interface HostUsage {
  fetches: number;
  fetchBytes: number;
}

/** The operator's egress settings; the allowlist and secrets come from the installation. */
export type HostEgressSettings = Pick<EgressPolicy, 'allowPrivateHosts' | 'devHosts' | 'lookup' | 'maxResponseBytes' | 'timeoutMs'>;

export interface HostDeps {
  tenant: TenantContext;
  installation: HostInstallation;
  /** Which entry point runs and for whom: decides whether host calls may write (see authority.ts). */
  cause: InvocationCause;
  /** Records a write of tenant data in the audit log (control database). */
  audit: (entry: AuditEntry) => Promise<void>;
  /**
   * Told when a write is refused for the caller's lack of rights rather than the plugin's
   * doing, so the runtime can answer FORBIDDEN and keep it out of the plugin's breaker.
   */
  onRefusedForCaller?: () => void;
  /** Decrypted installation secrets: substituted into fetch headers, never handed to the plugin. */
  secrets: Record<string, string>;
  egress: HostEgressSettings;
  limits: HostLimits;
  log: (entry: HostLogEntry) => void;
  usage: HostUsage;
  /**
   * Tenant-data reads shared by the invocations of one page render of one installation (its
   * widgets): they run with the same rights at the same moment, so the same read with the same
   * arguments is answered once for all of them (see `SHARED_READ_CAPABILITIES`).
   */
  sharedReads?: SharedReads;
}

/** Answers of read capabilities by capability and arguments; see `HostDeps.sharedReads`. */
export type SharedReads = Map<string, Promise<unknown>>;

/** What the sandbox calls for every `ctx.*` call of one invocation. */
export type HostFunction = (capability: string, args: unknown) => Promise<unknown>;

/** One capability family: a handler per capability name, each checking its scope first. */
export type CapabilityHandlers = Record<string, (args: unknown) => Promise<unknown>>;
