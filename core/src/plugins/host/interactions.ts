import { idempotencyKeyProblem } from '@mosaic/sdk/schema';
import { z } from 'zod';
import { addInteraction } from '../../domain/interactions.js';
import { localId } from '../../lib/ids.js';
import { globalIdArg, parseArgs } from './args.js';
import type { InvocationAuthority } from './authority.js';
import { assertConcerns } from './cases.js';
import { requireScope } from './errors.js';
import { toSdlInteraction } from './sdl-shapes.js';
import type { CapabilityHandlers, HostDeps } from './types.js';

// Only the shape, the ids and the key are checked here; the domain validates the values exactly
// as it does for API users. No agentId: the plugin itself is the author.
const field = z.unknown().optional();
const createArgs = z.strictObject({
  input: z.strictObject({
    customerId: globalIdArg,
    caseId: globalIdArg.nullish(),
    channel: field,
    direction: field,
    subject: field,
    body: field,
    occurredAt: field,
    idempotencyKey: z.string().superRefine((key, ctx) => {
      const problem = idempotencyKeyProblem(key);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }).nullish(),
  }),
});

/**
 * `interactions:write`: a proactive interaction on a customer's timeline, written through the
 * domain as `plugin:<id>` (its `interaction.added` event included) and audited. A write, so the
 * invocation must be allowed to write (`authority`). An idempotency key makes the installation's
 * second call with it return the first call's interaction.
 */
export function interactionCapabilities({ installation }: HostDeps, authority: InvocationAuthority): CapabilityHandlers {
  return {
    'interactions.create': async (args) => {
      requireScope(installation, 'interactions:write');
      authority.assertMayWrite('interactions.create');
      const { input } = parseArgs('interactions.create', createArgs, args);
      const { idempotencyKey, customerId, caseId, ...values } = input;
      await assertConcerns(authority, { customerId, caseId });
      const decoded = {
        ...values,
        customerId: localId('Customer', customerId),
        ...(caseId != null && { caseId: localId('Case', caseId) }),
      };
      const source = { installationId: installation.id, idempotencyKey: idempotencyKey ?? null };
      return authority.write('interactions.create', async (writer) => toSdlInteraction(await addInteraction(writer, decoded, source)), (i) => i.id);
    },
  };
}
