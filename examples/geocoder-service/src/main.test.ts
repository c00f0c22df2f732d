import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

it('runs on its own, configured from the environment', async () => {
  const child = spawn(process.execPath, ['--import', require.resolve('tsx'), main], {
    env: { ...process.env, GEOCODER_PORT: '0', GEOCODER_API_KEYS: 'standalone-key', GEOCODER_RATE_LIMIT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let output = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const match = /geocoder on (http:\/\/[^:]+:\d+)/.exec(output);
        if (match && output.includes('try: curl')) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    expect(output).toMatch(/\d+ places, ready in \d+ ms, \d+ MB heap/);
    expect(output).toContain('$GEOCODER_KEY');
    expect(output).not.toContain('standalone-key');
    expect((await fetch(`${url}/search?q=Oslo`)).status).toBe(401);
    const res = await fetch(`${url}/search?q=Oslo&limit=1`, { headers: { 'x-api-key': 'standalone-key' } });
    expect(await res.json()).toMatchObject([{ name: 'Oslo', address: { country_code: 'no' } }]);
    // No rate limit with GEOCODER_RATE_LIMIT=0.
    expect((await fetch(`${url}/search?q=Oslo&limit=1`, { headers: { 'x-api-key': 'standalone-key' } })).status).toBe(200);
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
});
