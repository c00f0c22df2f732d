import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin } from '@mosaic/sdk/build';
import { createPublisher } from '../../core/src/plugins/registry/index.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { runCommand } from './mosaic-source.js';
import { freePort } from './sqld-server.js';

const require = createRequire(import.meta.url);
const SDK_CLI = join(dirname(require.resolve('@mosaic/sdk/package.json')), 'bin', 'mosaic-plugin.js');
const EXAMPLE = fileURLToPath(new URL('../../examples/shipment-tracking-plugin/', import.meta.url));
const PLUGIN_ID = 'example.shipment-tracking';

// What an ISV's `mosaic-plugin publish` meets from a real server: each refusal keeps the
// server's code, and nothing reaches the registry until the one that is allowed.
describe('mosaic-plugin publish against a running server', () => {
  let root: string;
  let plugin: string;
  let test: TestPlatform;
  let admin: Client;
  let publisherId: string;
  let otherPublisherId: string;
  let otherKeyFile: string;
  const publish = (args: string[], env: Record<string, string> = {}) => {
    const { MOSAIC_API_KEY: _inherited, ...shell } = process.env;
    return runCommand(process.execPath, [SDK_CLI, 'publish', ...args],
      { cwd: root, env: { ...shell, XDG_CONFIG_HOME: join(root, 'config'), MOSAIC_API_KEY: admin.apiKey, ...env } });
  };
  const marketplace = async () => (await admin.gql('{ marketplace { pluginId versions } }')).data?.marketplace;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mosaic-publish-http-'));
    plugin = join(root, 'plugin');
    await buildPlugin(EXAMPLE, { outDir: join(plugin, 'dist') });
    test = await startTestPlatform();
    admin = await test.tenant('isv-shop');
    const keys = join(root, 'config', 'mosaic', 'keys');
    mkdirSync(keys, { recursive: true });
    const example = await createPublisher(test.platform.control.db, { handle: 'example' });
    writeFileSync(join(keys, 'example.publisher-key.pem'), example.privateKeyPem);
    publisherId = example.publisher.id;
    const other = await createPublisher(test.platform.control.db, { handle: 'other' });
    otherKeyFile = join(root, 'other.pem');
    writeFileSync(otherKeyFile, other.privateKeyPem);
    otherPublisherId = other.publisher.id;
  }, 120_000);
  afterAll(async () => {
    await test?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses, with the server\'s code, a key that is not an admin\'s, an unknown key, a foreign signature or publisher', async () => {
    const server = ['plugin', '--server', test.server.url];
    const agent = await test.keyFor((await test.tenant('isv-other')).tenantId, 'agent');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[...server, '--publisher', publisherId], { MOSAIC_API_KEY: agent.apiKey }, /^mosaic-plugin: FORBIDDEN: /],
      [[...server, '--publisher', publisherId], { MOSAIC_API_KEY: 'mos_0123456789abcdef0123456789abcdef_nope' }, /^mosaic-plugin: UNAUTHENTICATED: .*MOSAIC_API_KEY must be an API key of a tenant on this server/],
      [[...server, '--publisher', publisherId, '--key-file', otherKeyFile], {}, /^mosaic-plugin: FORBIDDEN: .*signature does not verify with example's key/],
      [[...server, '--publisher', otherPublisherId, '--key-file', otherKeyFile], {}, /^mosaic-plugin: FORBIDDEN: .*publisher "other" cannot publish example\.shipment-tracking/],
      [[...server, '--publisher', '01900000-0000-7000-8000-000000000000'], {}, /^mosaic-plugin: NOT_FOUND: /],
    ];
    for (const [args, env, stderr] of cases) {
      const result = await publish(args, env);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(stderr);
      expect(result.stdout).toBe('');
    }
    expect(await marketplace()).toEqual([]);
  });

  it('refuses a bundle changed after the build as the caller\'s input (exit 2), and sends nothing without an API key', async () => {
    const tampered = join(root, 'tampered');
    cpSync(plugin, tampered, { recursive: true });
    appendFileSync(join(tampered, 'dist', 'plugin.js'), '\n// changed after the build\n');
    const changed = await publish(['tampered', '--server', test.server.url, '--publisher', publisherId]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/^mosaic-plugin: BAD_USER_INPUT: .*refused example\.shipment-tracking@\S+: bundle sha256 [0-9a-f]{64} differs from the manifest's/);

    const noKey = await publish(['plugin', '--server', test.server.url, '--publisher', publisherId], { MOSAIC_API_KEY: '' });
    expect(noKey).toMatchObject({ code: 2, stderr: 'mosaic-plugin: BAD_USER_INPUT: set MOSAIC_API_KEY to an admin API key of a tenant on the server\n' });
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await publish(['plugin', '--server', closed, '--publisher', publisherId]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`^mosaic-plugin: SERVER_UNREACHABLE: could not reach ${closed}/graphql: ECONNREFUSED`));
    expect(await marketplace()).toEqual([]);
  });

  it('publishes the build once, with the key from the publisher\'s config folder; the same version again is a CONFLICT', async () => {
    const first = await publish(['plugin', '--server', `${test.server.url}/`, '--publisher', publisherId, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const { pluginId, version } = JSON.parse(first.stdout) as { pluginId: string; version: string };
    expect(pluginId).toBe(PLUGIN_ID);
    expect(await marketplace()).toEqual([{ pluginId: PLUGIN_ID, versions: [version] }]);

    const again = await publish(['plugin', '--server', test.server.url, '--publisher', publisherId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^mosaic-plugin: CONFLICT: .*${PLUGIN_ID}@${version} is already published`));
  });

  it('passes on the server\'s PAYLOAD_TOO_LARGE, with the setting that raises the limit', async () => {
    const small = await startTestPlatform({ MOSAIC_MAX_BODY_BYTES: '4096' });
    try {
      const result = await publish(['plugin', '--server', small.server.url, '--publisher', publisherId]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^mosaic-plugin: PAYLOAD_TOO_LARGE: .*MOSAIC_MAX_BODY_BYTES/);
    } finally {
      await small.close();
    }
  });
});
