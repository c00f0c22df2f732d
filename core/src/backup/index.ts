export { createBackup, type BackupResult } from './backup.js';
export { restoreBackup, type RestoreOptions, type RestoreResult } from './restore.js';
export { readBackup, BACKUP_FORMAT_VERSION, MANIFEST_FILE, type BackupManifest, type VerifiedBackup } from './manifest.js';
export { BackupError, type BackupErrorCode } from './errors.js';
export { markServing } from './serving-marks.js';
