import { databaseFailure } from '../../db/failures.js';
import { AppError, type ErrorCode } from '../../lib/errors.js';
import { isEgressError, type EgressErrorCode } from '../egress/index.js';
import type { HostInstallation } from './types.js';

export type HostErrorCode = ErrorCode | EgressErrorCode | 'QUOTA_EXCEEDED' | 'LIMIT_EXCEEDED' | 'UNKNOWN_CAPABILITY';

/** A refusal meant for the plugin: only `code` and `message` cross into the isolate. */
export class HostError extends Error {
  override readonly name = 'HostError';

  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const isHostError = (e: unknown): e is HostError => e instanceof HostError;

/** Refuses unless one of `anyOf` was granted; every capability calls this before anything else. */
export function requireScope(installation: HostInstallation, ...anyOf: string[]): void {
  if (anyOf.some((scope) => installation.grantedScopes.includes(scope))) return;
  const names = anyOf.map((s) => `'${s}'`).join(' or ');
  throw new HostError('FORBIDDEN', `this installation of ${installation.pluginId} was not granted the ${names} scope`);
}

/** The row, or null where the domain answers NOT_FOUND (plugins get null for "not there"). */
export async function nullIfNotFound<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
}

/**
 * Domain and egress refusals keep their code and message, written for API users and plugin
 * authors, and so do database failures. Anything else is a host fault: the sandbox forwards every error that has a string
 * `code`, and libsql and Node errors have one (with SQL or paths in the message), so it is
 * rethrown without a code, to be logged by the host and masked for the plugin.
 */
export function toHostError(e: unknown, capability: string): Error {
  if (isHostError(e)) return e;
  if (e instanceof AppError || isEgressError(e)) return new HostError(e.code, e.message);
  // A full disk or a database out of reach is news the plugin can act on (DATABASE_FULL,
  // DATABASE_UNAVAILABLE: retry later), told in the platform's words, not the driver's.
  const database = databaseFailure(e);
  if (database) return new HostError(database.code, database.message);
  return new Error(`host capability ${capability} failed`, { cause: e });
}
