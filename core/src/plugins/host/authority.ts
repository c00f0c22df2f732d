import { writeRefusal, writeRefusedMessage, type WriteCapability } from '@mosaic/sdk/schema';
import type { Role } from '../../db/control-schema.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { InvocationEntry } from '@mosaic/sandbox';
import { HostError } from './errors.js';
import type { HostDeps } from './types.js';

/** A staff principal (API key, agent or admin at the console) whose call led to a plugin invocation. */
export interface StaffCaller {
  kind?: 'staff';
  /** Its API key or session id (the request's `TenantContext.actor`). */
  actor: string;
  role: Role;
}

/**
 * A customer signed in to the portal, looking at a widget or pressing its button. The plugin's
 * host calls then reach this customer's own records only: anyone else's answer as missing.
 */
export interface CustomerCaller {
  kind: 'customer';
  /** The portal session's principal, for the audit log. */
  actor: string;
  /** The customer's local id. */
  customerId: string;
}

/** The principal whose call led to a plugin invocation. */
export type Caller = StaffCaller | CustomerCaller;

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
    case 'widget':
      // Drawing a page reads, for whoever looks at it.
      return { entry: 'field', caller };
    case 'action':
      // A person pressed a widget's button: their permissions, their name in the audit log.
      return { entry: 'mutation', caller };
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
  /**
   * Whether records of the customer with local id `customerId` are this invocation's to read or
   * write: always, except for a portal customer, whose invocations reach their own records only.
   */
  concerns(customerId: string): boolean;
  /** The portal customer an invocation is limited to (local id); null when it is not limited. */
  readonly ownCustomerId: string | null;
  /**
   * The refusal (NOT_FOUND, as for a missing record) of a write about a record `concerns` rules
   * out; the caller's doing, not the plugin's, so it never counts towards the plugin's breaker.
   */
  notTheirs(what: string): HostError;
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
  const ownCustomerId = caller?.kind === 'customer' ? caller.customerId : null;
  // A portal customer may write like an agent, but only what concerns their own records (each
  // capability checks `concerns`); emitting plugin events concerns no record, so it is refused.
  const callerRole = caller === null ? null : caller.kind === 'customer' ? 'agent' : caller.role;
  // The rule itself is shared with the SDK's test harness (@mosaic/sdk/schema), so the two agree.
  const refusal = writeRefusal(cause.entry, callerRole);
  // A mutation refused although it may write for some callers: the caller's rights are short.
  const refusedForCaller = refusal !== null && caller !== null && writeRefusal(cause.entry, 'admin') === null;

  const assertMayWrite = (capability: WriteCapability) => {
    if (refusal === null && !(ownCustomerId !== null && capability === 'emit')) return;
    if (refusedForCaller || refusal === null) onRefusedForCaller?.();
    throw new HostError('FORBIDDEN', writeRefusedMessage(capability, refusal ?? 'a customer\'s own records are all a portal customer may change'));
  };
  return {
    reader,
    ownCustomerId,
    concerns: (customerId) => ownCustomerId === null || customerId === ownCustomerId,
    notTheirs(what) {
      onRefusedForCaller?.();
      return new HostError('NOT_FOUND', `${what} not found`);
    },
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
          callerRole: caller === null ? null : caller.kind === 'customer' ? 'customer' : caller.role,
        },
      });
      return value;
    },
  };
}
