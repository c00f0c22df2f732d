import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackupError } from './errors.js';

/**
 * Which processes use a data folder: each `mosaic serve` on embedded files writes a mark
 * `<data folder>/.serving/<pid>.json` while it runs, so `mosaic restore` can refuse to swap the
 * files under it (a restore under a live server corrupts: the server keeps its open files and WAL).
 * A restore marks the folder too, so a server started meanwhile refuses to open it. Each side
 * writes its own mark before it looks for the other's, so of two starting at once at least one
 * sees the other.
 *
 * A mark per process, not one lock, because several processes may serve one folder at once. A
 * mark is written atomically (a temporary file renamed) and removed when the process exits; a
 * process killed with SIGKILL leaves its mark, which counts only while its process is alive. On
 * Linux the mark also holds the process's start time, so a pid reused by a later process does
 * not make a stale mark look live.
 */
export const SERVING_DIR = '.serving';

type Role = 'serve' | 'restore';

interface Mark {
  pid: number;
  role: Role;
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

function isAlive(mark: Mark): boolean {
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

/** Writes this process's mark (a temporary file renamed into place); `release` removes it, as does exiting. */
function writeMark(dataDir: string, role: Role): { release: () => void } {
  const dir = join(dataDir, SERVING_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${process.pid}.json`);
  const mark: Mark = { pid: process.pid, role, startTicks: startTicks(process.pid), since: new Date().toISOString() };
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, JSON.stringify(mark), { mode: 0o600 });
  renameSync(temporary, file);
  const release = () => {
    process.off('exit', release);
    rmSync(file, { force: true });
    try {
      rmdirSync(dir); // only when no other process's mark is left
    } catch {
      // not empty
    }
  };
  process.on('exit', release);
  return { release };
}

/** Live marks of other processes in `dataDir`; stale marks (their process gone) are removed. */
function otherLiveMarks(dataDir: string): Mark[] {
  const dir = join(dataDir, SERVING_DIR);
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => /^\d+\.json$/.test(f) && f !== `${process.pid}.json`);
  } catch {
    return [];
  }
  const live: Mark[] = [];
  for (const name of names) {
    let mark: Mark;
    try {
      mark = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Mark;
    } catch {
      continue; // removed meanwhile (its process exited)
    }
    if (isAlive(mark)) live.push(mark);
    else rmSync(join(dir, name), { force: true });
  }
  return live;
}

/** The pids of other live processes serving `dataDir`. */
export function servingProcesses(dataDir: string): number[] {
  return otherLiveMarks(dataDir).filter((m) => m.role === 'serve').map((m) => m.pid);
}

/**
 * Marks `dataDir` as served by this process until it exits (or `release` is called); refuses
 * (DATA_DIR_BEING_RESTORED) while a restore into it runs.
 */
export function markServing(dataDir: string): { release: () => void } {
  const held = writeMark(dataDir, 'serve');
  const restores = otherLiveMarks(dataDir).filter((m) => m.role === 'restore');
  if (restores.length > 0) {
    held.release();
    throw new BackupError('DATA_DIR_BEING_RESTORED', `${dataDir} is being restored (mosaic restore, pid ${restores.map((m) => m.pid).join(', ')}); start the server when it has finished`);
  }
  return held;
}

/**
 * Marks `dataDir` as being restored by this process; refuses (RESTORE_TARGET_IN_USE) while a live
 * process serves it or restores into it. `--force` does not override it: replacing the files
 * under a running server corrupts them.
 */
export function markRestoring(dataDir: string): { release: () => void } {
  const held = writeMark(dataDir, 'restore');
  const others = otherLiveMarks(dataDir);
  if (others.length > 0) {
    held.release();
    const what = others.map((m) => `${m.role === 'serve' ? 'mosaic serve' : 'another restore'} (pid ${m.pid})`).join(', ');
    throw new BackupError('RESTORE_TARGET_IN_USE', `${dataDir} is in use by ${what}; stop it first (--force does not override this)`);
  }
  return held;
}
