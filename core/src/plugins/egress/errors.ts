/**
 * Stable codes a plugin (and its author) can branch on. Messages are written for the plugin
 * author and are always passed through `redact` before an EgressError leaves this module.
 */
export const EGRESS_ERROR_CODES = [
  'EGRESS_HOST_NOT_ALLOWED',
  'EGRESS_ADDRESS_BLOCKED',
  'EGRESS_TOO_LARGE',
  'EGRESS_TIMEOUT',
  'EGRESS_TOO_MANY_REDIRECTS',
  'EGRESS_BAD_REQUEST',
  'EGRESS_FAILED',
] as const;
export type EgressErrorCode = (typeof EGRESS_ERROR_CODES)[number];

export class EgressError extends Error {
  constructor(
    readonly code: EgressErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EgressError';
  }
}

export const isEgressError = (e: unknown): e is EgressError => e instanceof EgressError;
