import { AppError } from '../lib/errors.js';

/** `--json` prints exactly one JSON object on stdout; otherwise a human-readable line. */
export function print(json: boolean, value: Record<string, unknown>, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

/**
 * A failed command says why on stderr and exits non-zero: one coded line, followed by the
 * problems themselves when there are several (e.g. every error of a plugin build).
 */
export function fail(err: unknown): never {
  const coded = err instanceof AppError || err instanceof CliError;
  const reason = coded ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`mosaic: ${reason.trimEnd()}\n`);
  process.exit(err instanceof AppError && err.code === 'BAD_USER_INPUT' ? 2 : 1);
}

/** A failure of the command line itself (not of the API), with a stable code of its own. */
export class CliError extends Error {
  // The backup codes are core/src/backup's BackupErrorCode, listed here so README's check sees them.
  constructor(readonly code: 'ADDRESS_IN_USE' | 'PLUGIN_BUILD_FAILED' | 'BACKUP_NOT_FOUND' | 'BACKUP_INVALID' | 'BACKUP_FORMAT_UNSUPPORTED' | 'BACKUP_CORRUPT' | 'BACKUP_EXISTS' | 'BACKUP_SOURCE_MISSING' | 'RESTORE_TARGET_NOT_EMPTY' | 'RESTORE_TARGET_IN_USE' | 'DATA_DIR_BEING_RESTORED', message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends AppError {
  constructor(message: string) {
    super('BAD_USER_INPUT', message);
  }
}
