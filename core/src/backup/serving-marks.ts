import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackupError } from './errors.js';

/**
 * Which processes serve a data folder: each `mosaic serve` on embedded files writes a mark
 * `<data folder>/.serving/<pid>.json` while it runs, so `mosaic restore` can refuse to swap the
 * files under it (a restore under a live server corrupts: the server keeps its open files and WAL).
 *
 * A mark per process, not one lock, because several processes may serve one folder at once. A
 * mark is written atomically (a temporary file renamed) and removed when the process exits; a
 * process killed with SIGKILL leaves its mark, which counts only while its process is alive. On
 * Linux the mark also holds the process's start time, so a pid reused by a later process does
 * not make a stale mark look live.
 */
export const SERVING_DIR = '.serving';

interface ServingMark {
  pid: number;
  /** Start time of the process in clock ticks since boot (Linux), or null where unknown. */
  startTicks: number | null;
  since: string;
}

/** Start time of `pid` in clock ticks since boot, from /proc; null where there is no /proc. */
function startTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces and parentheses) start past its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22 of the whole line
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

function isAlive(mark: ServingMark): boolean {
  try {
    process.kill(mark.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (mark.startTicks === null) return true;
  const now = startTicks(mark.pid);
  return now === null || now === mark.startTicks;
}

/**
 * Marks `dataDir` as served by this process until it exits (or `release` is called). Returns the
 * release, which removes the mark.
 */
export function markServing(dataDir: string): { release: () => void } {
  const dir = join(dataDir, SERVING_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${process.pid}.json`);
  const mark: ServingMark = { pid: process.pid, startTicks: startTicks(process.pid), since: new Date().toISOString() };
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, JSON.stringify(mark), { mode: 0o600 });
  renameSync(temporary, file);
  const release = () => {
    process.off('exit', release);
    rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { release };
}

/** The pids of live processes serving `dataDir`; stale marks (their process gone) are removed. */
export function servingProcesses(dataDir: string): number[] {
  const dir = join(dataDir, SERVING_DIR);
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => /^\d+\.json$/.test(f));
  } catch {
    return [];
  }
  const live: number[] = [];
  for (const name of names) {
    let mark: ServingMark;
    try {
      mark = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ServingMark;
    } catch {
      continue; // removed meanwhile (its process exited)
    }
    if (isAlive(mark)) live.push(mark.pid);
    else rmSync(join(dir, name), { force: true });
  }
  return live;
}

/**
 * Refuses (RESTORE_TARGET_IN_USE) while a live process serves `dataDir`. `--force` does not
 * override it: replacing the files under a running server corrupts them.
 */
export function assertNotServed(dataDir: string): void {
  const pids = servingProcesses(dataDir);
  if (pids.length > 0) {
    throw new BackupError('RESTORE_TARGET_IN_USE', `${dataDir} is being served by mosaic serve (pid ${pids.join(', ')}); stop it first (--force does not override this)`);
  }
}
