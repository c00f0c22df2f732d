import { z } from 'zod';
import { createCase, getCase, updateCase } from '../../domain/cases.js';
import { notFound } from '../../lib/errors.js';
import { localId } from '../../lib/ids.js';
import { globalIdArg, localIdOrNull, parseArgs } from './args.js';
import { nullIfNotFound, requireScope } from './errors.js';
import type { InvocationAuthority } from './authority.js';
import { toSdlCase } from './sdl-shapes.js';
import type { CapabilityHandlers, HostDeps } from './types.js';

// Only the shape and the ids are checked here; the domain validates the values exactly as it
// does for API users, so the two can never drift apart.
const field = z.unknown().optional();
const optionalRef = globalIdArg.nullish();
const createArgs = z.strictObject({
  input: z.strictObject({
    customerId: globalIdArg,
    subject: field,
    description: field,
    priority: field,
    channel: field,
    queueId: optionalRef,
    assigneeId: optionalRef,
  }),
});
const updateArgs = z.strictObject({
  id: globalIdArg,
  input: z.strictObject({
    subject: field,
    description: field,
    status: field,
    priority: field,
    queueId: optionalRef,
    assigneeId: optionalRef,
  }),
});
const getArgs = z.strictObject({ id: globalIdArg });

const REF_TYPES: Record<string, string> = { customerId: 'Customer', queueId: 'Queue', assigneeId: 'Agent' };

/** Global ids in an input → local ids; a malformed or foreign one is NOT_FOUND, as in the API. */
function decodeRefs(input: Record<string, unknown>): Record<string, unknown> {
  const decoded = { ...input };
  for (const [name, type] of Object.entries(REF_TYPES)) {
    const value = decoded[name];
    if (typeof value === 'string') decoded[name] = localId(type, value);
  }
  return decoded;
}

/**
 * Refuses, exactly as a missing record, a write a portal customer's invocation makes about
 * another customer (`customerId`) or their case (`caseId`), both global ids.
 */
export async function assertConcerns(authority: InvocationAuthority, about: { customerId?: string; caseId?: string | null }): Promise<void> {
  if (authority.ownCustomerId === null) return;
  if (about.customerId !== undefined && !authority.concerns(localId('Customer', about.customerId))) throw authority.notTheirs('Customer');
  if (about.caseId == null) return;
  const local = localIdOrNull('Case', about.caseId);
  const row = local === null ? null : await nullIfNotFound(getCase(authority.reader, local));
  if (row === null) throw notFound('Case');
  if (!authority.concerns(row.customerId)) throw authority.notTheirs('Case');
}

/**
 * `cases:read` (or `cases:write`) to read; `cases:write` to create and update through the domain
 * functions, so validation, transactions and outbox events are those of any API user. Writes also
 * need an invocation that may write (`authority.write`), checked right after the scope.
 */
export function caseCapabilities({ installation }: HostDeps, authority: InvocationAuthority): CapabilityHandlers {
  const caseId = (c: { id: string }) => c.id;
  return {
    'cases.get': async (args) => {
      requireScope(installation, 'cases:read', 'cases:write');
      const { id } = parseArgs('cases.get', getArgs, args);
      const local = localIdOrNull('Case', id);
      const row = local === null ? null : await nullIfNotFound(getCase(authority.reader, local));
      return row === null || !authority.concerns(row.customerId) ? null : toSdlCase(row);
    },
    'cases.create': async (args) => {
      requireScope(installation, 'cases:write');
      authority.assertMayWrite('cases.create');
      const { input } = parseArgs('cases.create', createArgs, args);
      await assertConcerns(authority, { customerId: input.customerId });
      return authority.write('cases.create', async (writer) => toSdlCase(await createCase(writer, decodeRefs(input))), caseId);
    },
    'cases.update': async (args) => {
      requireScope(installation, 'cases:write');
      authority.assertMayWrite('cases.update');
      const { id, input } = parseArgs('cases.update', updateArgs, args);
      await assertConcerns(authority, { caseId: id });
      return authority.write('cases.update', async (writer) => toSdlCase(await updateCase(writer, localId('Case', id), decodeRefs(input))), caseId);
    },
  };
}
