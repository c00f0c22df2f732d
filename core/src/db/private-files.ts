import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * Tenant data, keys and secrets live in the data folder: nobody but the server's own user may
 * list or read it. An existing folder is left as the operator made it; the files in it are not.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Creates an embedded database file owner-only (0600) before SQLite opens it — SQLite gives its
 * -wal and -shm files the database file's mode — and tightens files an older version left 0644.
 */
export function ensurePrivateDatabaseFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}
