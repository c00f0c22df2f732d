import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const CORE = fileURLToPath(new URL('../../core/', import.meta.url));

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; resolves with its exit code and output instead of throwing. */
export async function runCommand(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * Runs `mosaic <args>` from core's source through tsx, like the in-process server these tests
 * start, so a change is tested without a rebuild.
 */
export function mosaicFromSource(args: string[], env: Record<string, string>): Promise<CommandResult> {
  return runCommand(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: CORE, env: { ...process.env, MOSAIC_LOG_LEVEL: 'warn', ...env },
  });
}
