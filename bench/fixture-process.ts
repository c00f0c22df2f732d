/**
 * The lifecycle every benchmark fixture process shares: it tells the parent what it serves as one
 * JSON line on stdout, then runs until its stdin closes or it is signalled, cleaning up in order.
 */
export function emit<T>(info: T): void {
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

export function serveUntilStopped(cleanups: (() => Promise<void> | void)[]): void {
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    for (const cleanup of cleanups) await cleanup();
    process.exit(0);
  };
  process.stdin.on('end', () => void shutdown());
  process.stdin.resume();
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}
