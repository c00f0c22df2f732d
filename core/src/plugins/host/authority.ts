import { writeRefusal, writeRefusedMessage, type WriteCapability } from '@mosaic/sdk/schema';
import type { Role } from '../../db/control-schema.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { InvocationEntry } from '@mosaic/sandbox';
import { HostError } from './errors.js';
import type { HostDeps } from './types.js';

/** The principal whose API call led to a plugin invocation. */
export interface Caller {
  /** Its API key id (the request's `TenantContext.actor`). */
  actor: string;
  role: Role;
}

/**
 * Why a plugin runs, which decides what it may do (DESIGN.md decision 12; the rule per entry kind
 * is `writeRefusal` in @mosaic/sdk/schema):
 * - `field`: a resolver of a Query or object-type field. Reads only, for any caller.
 * - `mutation`: a resolver of a Mutation field the plugin defines. Writes with the caller's
 *   permissions: an integrator (read-only) key cannot write through it.
 * - `event`, `webhook`: a handler. No API caller; the installation acts on its own, with agent rights.
 */
export type InvocationCause =
  | { entry: 'field'; caller: Caller | null }
  | { entry: 'mutation'; caller: Caller | null }
  | { entry: 'event' }
  | { entry: 'webhook' };

/** What the entry point being run and the caller make of an invocation. */
export function invocationCause(entry: InvocationEntry, caller: Caller | null): InvocationCause {
  switch (entry.kind) {
    case 'resolver':
      return { entry: entry.type === 'Mutation' ? 'mutation' : 'field', caller };
    case 'event':
      return { entry: 'event' };
    case 'webhook':
      return { entry: 'webhook' };
    case 'action':
      // Widget renders and button actions have no caller path in core yet, so they are read-only.
      // When they get one: a render stays 'field'; a person pressing a button becomes 'mutation'
      // with that person as caller (their permissions, their name in the audit log).
      return { entry: 'field', caller };
  }
}

/** What the authority needs of the host's dependencies (see HostDeps for each). */
export type AuthorityDeps = Pick<HostDeps, 'tenant' | 'installation' | 'cause' | 'audit' | 'onRefusedForCaller'>;

/** What one invocation may do with tenant data: read always, write only through `write`. */
export interface InvocationAuthority {
  /**
   * The context reads run under: attributed to the plugin and read-only (integrator role), so a
   * domain write reached without `write` is refused by the domain itself.
   */
  readonly reader: TenantContext;
  /** Refuses (FORBIDDEN) unless this invocation may write tenant data. */
  assertMayWrite(capability: WriteCapability): void;
  /**
   * Checks `assertMayWrite`, performs the write as the plugin with agent rights (so its events carry
   * `plugin:<id>` as actor and are never delivered back to it), then records the installation and
   * the caller in the audit log. `target` names what was written, for the audit row.
   */
  write<T>(capability: WriteCapability, perform: (writer: TenantContext) => Promise<T>, target: (value: T) => string): Promise<T>;
}

/** The one place that turns entry point, caller and grants into what a plugin's host calls may do. */
export function invocationAuthority({ tenant, installation, cause, audit, onRefusedForCaller }: AuthorityDeps): InvocationAuthority {
  const actor = `plugin:${installation.pluginId}`;
  const reader: TenantContext = { ...tenant, role: 'integrator', actor };
  const writer: TenantContext = { ...tenant, role: 'agent', actor };
  const caller = cause.entry === 'field' || cause.entry === 'mutation' ? cause.caller : null;
  // The rule itself is shared with the SDK's test harness (@mosaic/sdk/schema), so the two agree.
  const refusal = writeRefusal(cause.entry, caller?.role ?? null);
  // A mutation refused although it may write for some callers: the caller's rights are short.
  const refusedForCaller = refusal !== null && caller !== null && writeRefusal(cause.entry, 'admin') === null;

  const assertMayWrite = (capability: WriteCapability) => {
    if (refusal === null) return;
    if (refusedForCaller) onRefusedForCaller?.();
    throw new HostError('FORBIDDEN', writeRefusedMessage(capability, refusal));
  };
  return {
    reader,
    assertMayWrite,
    async write(capability, perform, target) {
      assertMayWrite(capability);
      const value = await perform(writer);
      // Two databases cannot share a transaction: the audit row follows the tenant's commit.
      await audit({
        tenantId: tenant.tenantId,
        actor,
        action: `plugin.${capability}`,
        target: target(value),
        detail: {
          installationId: installation.id,
          version: installation.version,
          entry: cause.entry,
          onBehalfOf: caller?.actor ?? null,
          callerRole: caller?.role ?? null,
        },
      });
      return value;
    },
  };
}
