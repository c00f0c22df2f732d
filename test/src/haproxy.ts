import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './sqld-server.js';

/** Debian's HAProxy (`apt-get install haproxy`; .ci/run installs it). */
export const haproxyBinary = () => ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((p) => existsSync(p));

export interface LoadBalancer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real HAProxy in front of `nodes` (base URLs on loopback): each request to the next node in
 * turn, a node taken out while its /readyz fails (checked every 300 ms), and a request whose node
 * refused the connection sent to another — the deployment guide's balancer.
 */
export async function startHaproxy(nodes: string[]): Promise<LoadBalancer> {
  const binary = haproxyBinary();
  if (!binary) throw new Error('haproxy is not installed (apt-get install -y haproxy)');
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-haproxy-'));
  const port = await freePort();
  const servers = nodes.map((url, i) => `  server node${i + 1} ${new URL(url).host} check`);
  writeFileSync(join(dir, 'haproxy.cfg'), [
    'global', '  maxconn 1000',
    'defaults', '  mode http', '  timeout connect 2s', '  timeout client 60s', '  timeout server 60s',
    '  retries 3', '  option redispatch',
    'frontend mosaic', `  bind 127.0.0.1:${port}`, '  default_backend nodes',
    'backend nodes', '  balance roundrobin', '  option httpchk GET /readyz', '  http-check expect status 200',
    '  default-server inter 300ms fall 2 rise 2',
    ...servers, '',
  ].join('\n'));
  const child = spawn(binary, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${stderr}`);
    const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not answer within 10 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
