import { EMIT_TYPE_PATTERN, MAX_EMIT_PAYLOAD_BYTES, MAX_EMIT_TYPE_CHARS } from '@mosaic/sdk/schema';
import { z } from 'zod';
import { emitEvent } from '../../domain/outbox.js';
import { jsonObjectArg, parseArgs, utf8Bytes } from './args.js';
import type { InvocationAuthority } from './authority.js';
import { HostError } from './errors.js';
import type { CapabilityHandlers, HostDeps } from './types.js';

export { MAX_EMIT_PAYLOAD_BYTES };

const emitArgs = z.strictObject({
  type: z
    .string()
    .max(MAX_EMIT_TYPE_CHARS)
    .regex(EMIT_TYPE_PATTERN, 'letters, digits, _ and - in dot-separated parts, e.g. shipment.delivered'),
  payload: jsonObjectArg.optional(),
});

/**
 * `ctx.emit`, needing no scope: the plugin can only speak for itself. The type is filed under
 * `plugin.<pluginId>.` so it can neither collide with nor impersonate core or other plugins'
 * events, and the event is written to the tenant outbox in its own transaction. It counts as a
 * write (it runs other plugins' handlers, which may write): refused where writes are.
 */
export function emitCapabilities({ installation, limits }: HostDeps, authority: InvocationAuthority): CapabilityHandlers {
  let emitted = 0;
  return {
    emit: async (args) => {
      authority.assertMayWrite('emit');
      const { type, payload = {} } = parseArgs('emit', emitArgs, args);
      const bytes = utf8Bytes(JSON.stringify(payload));
      if (bytes > MAX_EMIT_PAYLOAD_BYTES) {
        throw new HostError('BAD_USER_INPUT', `event payload is ${bytes} bytes of JSON; the limit is ${MAX_EMIT_PAYLOAD_BYTES}`);
      }
      if (emitted >= limits.maxEmitsPerCall) {
        throw new HostError('LIMIT_EXCEEDED', `a plugin may emit at most ${limits.maxEmitsPerCall} events per call`);
      }
      emitted += 1;
      const filed = `plugin.${installation.pluginId}.${type}`;
      await authority.write('emit', (writer) => writer.data.write((tx) => emitEvent(tx, writer.actor, filed, installation.id, payload)), () => filed);
      return undefined;
    },
  };
}
