import { createServer } from 'node:net';
import { CliError } from './output.js';

/**
 * Fails with ADDRESS_IN_USE when another process listens on host:port, so `serve` says so in one
 * line before it migrates or seeds anything. (Port 0 asks the system for a free one: nothing to check.)
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
      ? new CliError('ADDRESS_IN_USE', `${host}:${port} is already in use by another process; stop it or choose another port with PORT`)
      : err));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
