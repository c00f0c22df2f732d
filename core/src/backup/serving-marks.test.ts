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

/** Writes a mark as another process would have. */
const plantMark = (dataDir: string, mark: { pid: number; startTicks: number | null }) => {
  mkdirSync(join(dataDir, SERVING_DIR), { recursive: true });
  writeFileSync(join(dataDir, SERVING_DIR, `${mark.pid}.json`), JSON.stringify({ ...mark, since: new Date().toISOString() }));
};
/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

describe('serving marks', () => {
  it('counts a live mark until it is released; a dead process\'s mark is stale and removed', () => {
    const dataDir = join(root, 'marks');
    const held = markServing(dataDir);
    expect(servingProcesses(dataDir)).toEqual([process.pid]);
    expect(readdirSync(join(dataDir, SERVING_DIR))).toEqual([`${process.pid}.json`]); // no temporary left
    held.release();
    expect(servingProcesses(dataDir)).toEqual([]);

    const gone = deadPid();
    plantMark(dataDir, { pid: gone, startTicks: null });
    expect(servingProcesses(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, SERVING_DIR, `${gone}.json`))).toBe(false);
  });

  it.runIf(existsSync('/proc/self/stat'))('does not take a reused pid (another start time) for the process that wrote the mark', () => {
    const dataDir = join(root, 'reused');
    const held = markServing(dataDir);
    const mine = JSON.parse(readFileSync(join(dataDir, SERVING_DIR, `${process.pid}.json`), 'utf8'));
    expect(mine.startTicks).toEqual(expect.any(Number));
    plantMark(dataDir, { pid: process.pid, startTicks: mine.startTicks - 1 });
    expect(servingProcesses(dataDir)).toEqual([]);
    held.release();
  });

  it('restore refuses a served data folder with RESTORE_TARGET_IN_USE, --force or not, and leaves it as it was', async () => {
    const source = { kind: 'embedded' as const, dataDir: join(root, 'source') };
    (await openControlPlane(source)).client.close();
    const backupDir = join(root, 'backup');
    await createBackup(source, backupDir);
    const target = { kind: 'embedded' as const, dataDir: join(root, 'target') };
    const held = markServing(target.dataDir);
    for (const force of [false, true]) {
      await expect(restoreBackup(target, backupDir, { force })).rejects.toMatchObject({ code: 'RESTORE_TARGET_IN_USE' });
    }
    expect(readdirSync(target.dataDir)).toEqual([SERVING_DIR]);
    held.release();
    plantMark(target.dataDir, { pid: deadPid(), startTicks: null }); // killed: its mark stays behind
    expect(await restoreBackup(target, backupDir)).toMatchObject({ databases: 1 });
  });
});
