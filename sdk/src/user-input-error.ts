/**
 * Throw it when the caller's input is wrong (an unknown tracking number, a malformed argument):
 * the client sees `extensions.code: "BAD_USER_INPUT"` and your message on the field, not
 * `PLUGIN_FAILED`, and the call does not count towards pausing your plugin (the host pauses a
 * plugin after repeated failures of its own, for every caller of the tenant). Any error whose
 * `code` is `"BAD_USER_INPUT"` counts the same; a host refusal you let escape (e.g. a storage
 * value too large) stays your plugin's failure.
 *
 * @example
 * import { definePlugin, UserInputError } from '@mosaic/sdk';
 *
 * resolvers: {
 *   Query: {
 *     acme_tracking_status: async (parents, args) => {
 *       const number = String(args.trackingNumber);
 *       if (!/^1Z[0-9A-Z]{16}$/.test(number)) throw new UserInputError(`"${number}" is not a UPS tracking number`);
 *       return parents.map(() => lookUp(number));
 *     },
 *   },
 * },
 */
export class UserInputError extends Error {
  override readonly name = 'UserInputError';
  readonly code = 'BAD_USER_INPUT';
}
