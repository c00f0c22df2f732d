import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../db/control.js';
import { createBackup } from './backup.js';
import { restoreBackup } from './restore.js';
import { markServing, servingProcesses, SERVING_DIR } from './serving-marks.js';

const root = mkdtempSync(join(tmpdir(), 'mosaic-serving-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Planted = { pid: number; role: 'serve' | 'restore'; startTicks: number | null };
/** Writes a mark as another process would have; answers its path. */
const plant = (dataDir: string, mark: Planted) => {
  mkdirSync(join(dataDir, SERVING_DIR), { recursive: true });
  const file = join(dataDir, SERVING_DIR, `${mark.pid}.json`);
  writeFileSync(file, JSON.stringify({ ...mark, since: new Date().toISOString() }));
  return file;
};
/** A live process other than this one: the one that started it. */
const live = process.ppid;
/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

describe('serving marks', () => {
  it('counts a live process\'s mark; a dead process\'s is stale and removed', () => {
    const dataDir = join(root, 'marks');
    const file = plant(dataDir, { pid: live, role: 'serve', startTicks: null });
    expect(servingProcesses(dataDir)).toEqual([live]);
    rmSync(file);
    const gone = plant(dataDir, { pid: deadPid(), role: 'serve', startTicks: null });
    expect(servingProcesses(dataDir)).toEqual([]);
    expect(existsSync(gone)).toBe(false);
  });

  it.runIf(existsSync('/proc/self/stat'))('does not take a reused pid (another start time) for the process that wrote the mark', () => {
    const dataDir = join(root, 'reused');
    plant(dataDir, { pid: live, role: 'serve', startTicks: 1 });
    expect(servingProcesses(dataDir)).toEqual([]);
  });

  it('writes its own mark whole (no temporary left) and removes it, and the empty folder, on release', () => {
    const dataDir = join(root, 'own');
    const held = markServing(dataDir);
    expect(readdirSync(join(dataDir, SERVING_DIR))).toEqual([`${process.pid}.json`]);
    expect(JSON.parse(readFileSync(join(dataDir, SERVING_DIR, `${process.pid}.json`), 'utf8'))).toMatchObject({ pid: process.pid, role: 'serve' });
    held.release();
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('restore refuses a served data folder (RESTORE_TARGET_IN_USE, --force or not); serve refuses one being restored', async () => {
    const source = { kind: 'embedded' as const, dataDir: join(root, 'source') };
    (await openControlPlane(source)).client.close();
    const backupDir = join(root, 'backup');
    await createBackup(source, backupDir);
    const target = { kind: 'embedded' as const, dataDir: join(root, 'target') };
    const serving = plant(target.dataDir, { pid: live, role: 'serve', startTicks: null });
    for (const force of [false, true]) {
      await expect(restoreBackup(target, backupDir, { force })).rejects.toMatchObject({ code: 'RESTORE_TARGET_IN_USE' });
    }
    expect(readdirSync(target.dataDir)).toEqual([SERVING_DIR]);
    expect(readdirSync(join(target.dataDir, SERVING_DIR))).toEqual([`${live}.json`]); // the restore's own mark is gone
    rmSync(serving);

    const restoring = plant(target.dataDir, { pid: live, role: 'restore', startTicks: null });
    expect(() => markServing(target.dataDir)).toThrow(expect.objectContaining({ code: 'DATA_DIR_BEING_RESTORED' }));
    await expect(restoreBackup(target, backupDir)).rejects.toMatchObject({ code: 'RESTORE_TARGET_IN_USE' });
    rmSync(restoring);

    plant(target.dataDir, { pid: deadPid(), role: 'serve', startTicks: null }); // killed: its mark stays behind
    expect(await restoreBackup(target, backupDir)).toMatchObject({ databases: 1 });
    expect(readdirSync(target.dataDir).sort()).toEqual(['control.db']);
  });
});
