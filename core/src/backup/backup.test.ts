import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../db/control.js';
import { TenantDatabases } from '../db/tenant-db.js';
import { createTenant } from '../tenancy/tenants.js';
import { createBackup } from './backup.js';
import { MANIFEST_FILE, readBackup } from './manifest.js';
import { restoreBackup } from './restore.js';

const root = mkdtempSync(join(tmpdir(), 'mosaic-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const source = { kind: 'embedded' as const, dataDir: join(root, 'data') };
const backupDir = join(root, 'backup');
let tenantDb: string;

beforeAll(async () => {
  const control = await openControlPlane(source);
  const tenants = new TenantDatabases(source);
  const { tenant } = await createTenant(control.db, tenants, { slug: 'acme' });
  tenantDb = `t_${tenant.id.replace(/-/g, '')}.db`;
  await tenants.close();
  control.client.close();
  await createBackup(source, backupDir);
});

/** A copy of the good backup with one change, for each bad input. */
function tampered(name: string, change: (dir: string) => void): string {
  const dir = join(root, name);
  cpSync(backupDir, dir, { recursive: true });
  change(dir);
  return dir;
}
const editManifest = (dir: string, edit: (m: any) => void) => {
  const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  edit(m);
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(m));
};

describe('createBackup', () => {
  it('writes an owner-only folder: manifest, control plane, each tenant, the secrets key', async () => {
    expect(readdirSync(backupDir).sort()).toEqual(['control.db', MANIFEST_FILE, tenantDb].sort());
    expect(statSync(backupDir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(backupDir)) expect(statSync(join(backupDir, f)).mode & 0o777).toBe(0o600);
    const { manifest } = await readBackup(backupDir);
    expect(manifest.databases.map((d) => d.kind)).toEqual(['control', 'tenant']);
    expect(manifest.databases[0]!.rows).toMatchObject({ tenants: 1, api_keys: 1 });
  });

  it('refuses a folder that exists and leaves nothing behind when it fails', async () => {
    await expect(createBackup(source, backupDir)).rejects.toMatchObject({ code: 'BACKUP_EXISTS' });
    const empty = { kind: 'embedded' as const, dataDir: join(root, 'no-data') };
    await expect(createBackup(empty, join(root, 'never'))).rejects.toMatchObject({ code: 'BACKUP_SOURCE_MISSING' });
    expect(readdirSync(root).filter((f) => f.includes('never'))).toEqual([]);
  });

  it('leaves no folder behind when it fails half way (a tenant database gone after the control plane was copied)', async () => {
    const broken = { kind: 'embedded' as const, dataDir: join(root, 'broken-data') };
    cpSync(source.dataDir, broken.dataDir, { recursive: true });
    rmSync(join(broken.dataDir, tenantDb));
    const err = await createBackup(broken, join(root, 'half')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BACKUP_SOURCE_MISSING' });
    expect((err as Error).message).toContain(tenantDb);
    expect(readdirSync(root).filter((f) => f.includes('half'))).toEqual([]);
  });
});

describe('restoreBackup refuses bad input before touching the target', () => {
  const cases: [string, () => string, string, RegExp][] = [
    ['a missing folder', () => join(root, 'nowhere'), 'BACKUP_NOT_FOUND', /no backup folder/],
    ['a folder without manifest', () => tampered('no-manifest', (d) => rmSync(join(d, MANIFEST_FILE))), 'BACKUP_NOT_FOUND', /has no manifest\.json/],
    ['a manifest that is not JSON', () => tampered('not-json', (d) => writeFileSync(join(d, MANIFEST_FILE), '{"format":')), 'BACKUP_INVALID', /not JSON/],
    ['a newer format version', () => tampered('v2', (d) => editManifest(d, (m) => { m.formatVersion = 2; })), 'BACKUP_FORMAT_UNSUPPORTED', /version 2/],
    ['a database name with path characters', () => tampered('dotdot', (d) => editManifest(d, (m) => { m.databases[1].name = '../x'; })), 'BACKUP_INVALID', /databases\.1\.name/],
    ['a tenant named like the control plane', () => tampered('kind', (d) => editManifest(d, (m) => { m.databases[1].kind = 'control'; })), 'BACKUP_INVALID', /kind/],
    ['a file changed after the backup', () => tampered('flipped', (d) => {
      const file = join(d, tenantDb);
      const bytes = readFileSync(file);
      bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
      writeFileSync(file, bytes);
    }), 'BACKUP_CORRUPT', /does not match its checksum/],
    ['a missing file', () => tampered('missing', (d) => rmSync(join(d, tenantDb))), 'BACKUP_CORRUPT', /missing/],
  ];
  for (const [what, make, code, message] of cases) {
    it(what, async () => {
      const target = { kind: 'embedded' as const, dataDir: join(root, `target-${code}-${what.length}`) };
      mkdirSync(target.dataDir);
      writeFileSync(join(target.dataDir, 'keep.txt'), 'untouched');
      const err = await restoreBackup(target, make()).catch((e: unknown) => e);
      expect(err).toMatchObject({ code });
      expect((err as Error).message).toMatch(message);
      expect(readdirSync(target.dataDir)).toEqual(['keep.txt']);
    });
  }
});

describe('restoreBackup into files', () => {
  it('restores into an empty folder, refuses a full one, and replaces it with force (old files kept aside)', async () => {
    const target = { kind: 'embedded' as const, dataDir: join(root, 'restored') };
    const first = await restoreBackup(target, backupDir);
    expect(first).toMatchObject({ databases: 2, replacedFilesDir: null });
    for (const f of ['control.db', tenantDb]) {
      expect(readFileSync(join(target.dataDir, f))).toEqual(readFileSync(join(backupDir, f)));
    }
    await expect(restoreBackup(target, backupDir)).rejects.toMatchObject({ code: 'RESTORE_TARGET_NOT_EMPTY' });
    writeFileSync(join(target.dataDir, 't_0123456789abcdef0123456789abcdef.db'), 'a tenant the backup does not have');
    const second = await restoreBackup(target, backupDir, { force: true });
    expect(readdirSync(second.replacedFilesDir!).sort()).toEqual(['control.db', 't_0123456789abcdef0123456789abcdef.db', tenantDb].sort());
    expect(readdirSync(target.dataDir).filter((f) => !f.startsWith('.')).sort()).toEqual(['control.db', tenantDb].sort());
  });
});
