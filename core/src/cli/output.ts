import { AppError } from '../lib/errors.js';

/** `--json` prints exactly one JSON object on stdout; otherwise a human-readable line. */
export function print(json: boolean, value: Record<string, unknown>, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

/** A failed command says why in one line on stderr and exits non-zero. */
export function fail(err: unknown): never {
  const reason = err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`mosaic: ${reason.split('\n')[0]}\n`);
  process.exit(err instanceof AppError && err.code === 'BAD_USER_INPUT' ? 2 : 1);
}

export class UsageError extends AppError {
  constructor(message: string) {
    super('BAD_USER_INPUT', message);
  }
}
