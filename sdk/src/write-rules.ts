/**
 * What a plugin may write from each kind of entry point (DESIGN.md decision 12), shared by core's
 * host and the SDK's test harness so the two cannot drift. Writes of tenant data are
 * `ctx.cases.create`, `ctx.cases.update`, `ctx.interactions.create` and `ctx.emit`; the plugin's
 * own storage is not one.
 */

/**
 * - `field`: a resolver of a Query or object-type field (read-only, whoever asked);
 * - `mutation`: a resolver of a Mutation field the plugin defines (the caller's permissions);
 * - `event`, `webhook`: a handler (the installation acts on its own).
 */
export type EntryKind = 'field' | 'mutation' | 'event' | 'webhook';

/** The role of the API key whose request ran the plugin. */
export type CallerRole = 'admin' | 'agent' | 'integrator';

/** The host capabilities that write tenant data. */
export const WRITE_CAPABILITIES = ['cases.create', 'cases.update', 'interactions.create', 'emit'] as const;
export type WriteCapability = (typeof WRITE_CAPABILITIES)[number];

/** Why a host call from `entry`, run for a caller of `callerRole` (null: none), may not write tenant data; null when it may. */
export function writeRefusal(entry: EntryKind, callerRole: CallerRole | null): string | null {
  switch (entry) {
    case 'event':
    case 'webhook':
      return null;
    case 'mutation':
      if (callerRole === null) return 'a plugin mutation may write only for a caller, and there is none';
      return callerRole === 'integrator'
        ? `the calling API key is read-only (${callerRole} role), and a plugin never acts with more rights than its caller`
        : null;
    case 'field':
      return 'Query and object-type field resolvers are read-only for tenant data; ' +
        'write from a Mutation field of the plugin or from an event or webhook handler (storage stays writable as a cache)';
  }
}

/** The message a refused write reaches the plugin with (code `FORBIDDEN`). */
export const writeRefusedMessage = (capability: WriteCapability, reason: string): string => `${capability} was refused: ${reason}`;
