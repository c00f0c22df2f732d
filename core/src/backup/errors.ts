/**
 * Codes of `mosaic backup` and `mosaic restore`. They are the operator's, not an API client's:
 * the CLI prints them as `mosaic: CODE: reason` and exits non-zero.
 */
export type BackupErrorCode =
  | 'BACKUP_NOT_FOUND'
  | 'BACKUP_INVALID'
  | 'BACKUP_FORMAT_UNSUPPORTED'
  | 'BACKUP_CORRUPT'
  | 'BACKUP_EXISTS'
  | 'RESTORE_TARGET_NOT_EMPTY'
  | 'RESTORE_TARGET_IN_USE'
  | 'DATA_DIR_BEING_RESTORED'
  | 'BACKUP_SOURCE_MISSING';

/** A backup or restore refused or failed for a reason the operator can act on. */
export class BackupError extends Error {
  constructor(readonly code: BackupErrorCode, message: string) {
    super(message);
    this.name = 'BackupError';
  }
}
