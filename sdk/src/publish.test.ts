import { generateKeyPairSync, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publishPlugin, PublishError, signingPayload, type PublishOptions } from './publish.js';

const MANIFEST = `${JSON.stringify({ id: 'acme.hello', version: '1.2.3', publisher: 'acme' }, null, 2)}\n`;
const BUNDLE = 'export default { resolvers: {} };\n';

interface Received { url: string; authorization?: string; body: { query: string; variables: { input: Record<string, string> } } }

/** A stand-in for the server's HTTP side: records what arrives, answers what the test sets. */
function recordingServer() {
  const received: Received[] = [];
  let answer: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '{}' };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => {
      received.push({ url: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(text) });
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
  });
  return {
    received,
    answer(status: number, body: unknown, type = 'application/json') {
      answer = { status, type, body: typeof body === 'string' ? body : JSON.stringify(body) };
    },
    listen: () => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('publishPlugin', () => {
  const server = recordingServer();
  const keys = generateKeyPairSync('ed25519');
  let url: string;
  let root: string;
  let dir: string;
  let configHome: string;
  let options: PublishOptions;

  beforeAll(async () => {
    url = await server.listen();
    root = await mkdtemp(join(tmpdir(), 'mosaic-publish-'));
    dir = join(root, 'hello');
    configHome = join(root, 'config');
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(join(dir, 'dist', 'manifest.json'), MANIFEST);
    await writeFile(join(dir, 'dist', 'plugin.js'), BUNDLE);
    // Where `mosaic publisher create acme` writes the key when XDG_CONFIG_HOME is configHome.
    await mkdir(join(configHome, 'mosaic', 'keys'), { recursive: true });
    await writeFile(join(configHome, 'mosaic', 'keys', 'acme.publisher-key.pem'), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.received.length = 0;
    server.answer(200, { data: { publishPluginVersion: { version: { pluginId: 'acme.hello', version: '1.2.3' } } } });
    options = { dir, server: url, apiKey: 'key-1', publisherId: 'pub-1', env: { XDG_CONFIG_HOME: configHome } };
  });

  const refusal = (overrides: Partial<PublishOptions>) => publishPlugin({ ...options, ...overrides }).then(
    () => { throw new Error('publishPlugin should have failed'); },
    (err: unknown) => {
      expect(err).toBeInstanceOf(PublishError);
      return err as PublishError;
    },
  );

  it('sends the built bytes, signed with the key from the publisher\'s config folder, to /graphql', async () => {
    expect(await publishPlugin(options)).toEqual({ pluginId: 'acme.hello', version: '1.2.3', endpoint: `${url}/graphql` });
    const [sent] = server.received;
    expect(sent).toMatchObject({ url: '/graphql', authorization: 'Bearer key-1' });
    expect(sent!.body.query).toContain('publishPluginVersion');
    const { publisherId, manifest, bundle, signature } = sent!.body.variables.input;
    expect({ publisherId, manifest, bundle }).toEqual({ publisherId: 'pub-1', manifest: MANIFEST, bundle: BUNDLE });
    const payload = signingPayload({ pluginId: 'acme.hello', version: '1.2.3', manifest: MANIFEST, bundle: BUNDLE });
    expect(verify(null, payload, keys.publicKey, Buffer.from(signature!, 'base64'))).toBe(true);
  });

  it('takes the server as a base address with a path or trailing slash, or as its /graphql endpoint', async () => {
    for (const server of [`${url}/`, `${url}/graphql`, `${url}/graphql/`]) await publishPlugin({ ...options, server });
    await publishPlugin({ ...options, server: `${url}/mosaic/` });
    expect(server.received.map((r) => r.url)).toEqual(['/graphql', '/graphql', '/graphql', '/mosaic/graphql']);
  });

  it('refuses missing or malformed settings before reading or sending anything', async () => {
    for (const [overrides, message] of [
      [{ server: undefined }, /--server <url> is required/],
      [{ server: 'localhost:4000' }, /--server must be an http or https URL/],
      [{ server: 'not a url' }, /is not a URL/],
      [{ apiKey: undefined }, /set MOSAIC_API_KEY/],
      [{ publisherId: '' }, /--publisher <publisher id> is required/],
    ] as const) {
      const err = await refusal(overrides);
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(message);
    }
    expect(server.received).toEqual([]);
  });

  it('says to build first when the build output is missing or is not a manifest', async () => {
    const unbuilt = join(root, 'unbuilt');
    await mkdir(join(unbuilt, 'dist'), { recursive: true });
    expect(await refusal({ dir: unbuilt })).toMatchObject({ code: 'PLUGIN_NOT_BUILT', message: `${join(unbuilt, 'dist', 'manifest.json')} does not exist; run mosaic-plugin build first` });
    await writeFile(join(unbuilt, 'dist', 'manifest.json'), '{"id": 1}');
    await writeFile(join(unbuilt, 'dist', 'plugin.js'), BUNDLE);
    expect((await refusal({ dir: unbuilt })).code).toBe('PLUGIN_NOT_BUILT');
    expect(server.received).toEqual([]);
  });

  it('refuses a missing key file and one that is not an ed25519 private key, sending nothing', async () => {
    const missing = join(root, 'nope.pem');
    expect(await refusal({ keyFile: missing })).toMatchObject({ code: 'PUBLISHER_KEY_NOT_FOUND', message: expect.stringContaining(missing) });
    // Without --key-file the default follows the manifest's publisher handle.
    const otherHome = await refusal({ env: { XDG_CONFIG_HOME: join(root, 'elsewhere') } });
    expect(otherHome.message).toContain(join(root, 'elsewhere', 'mosaic', 'keys', 'acme.publisher-key.pem'));

    const garbage = join(root, 'garbage.pem');
    await writeFile(garbage, 'not a key');
    expect((await refusal({ keyFile: garbage })).code).toBe('PUBLISHER_KEY_INVALID');
    const rsa = join(root, 'rsa.pem');
    await writeFile(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(await refusal({ keyFile: rsa })).toMatchObject({ code: 'PUBLISHER_KEY_INVALID', message: expect.stringContaining('is an rsa key') });
    expect(server.received).toEqual([]);
  });

  it('keeps the server\'s code when it refuses, with a hint where one helps', async () => {
    server.answer(200, { errors: [{ message: 'acme.hello@1.2.3 is already published', extensions: { code: 'CONFLICT' } }], data: { publishPluginVersion: null } });
    expect(await refusal({})).toMatchObject({ code: 'CONFLICT', message: `${url}/graphql refused acme.hello@1.2.3: acme.hello@1.2.3 is already published` });
    server.answer(401, { errors: [{ message: 'unknown API key', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(await refusal({})).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('MOSAIC_API_KEY must be an API key of a tenant on this server') });
  });

  it('tells an address with no Mosaic server behind it from a refusal', async () => {
    server.answer(404, '<html>Not Found</html>', 'text/html');
    expect(await refusal({})).toMatchObject({ code: 'UNEXPECTED_RESPONSE', message: `${url}/graphql answered HTTP 404 without a GraphQL response; is it a Mosaic server's address?` });
    server.answer(200, { data: { somethingElse: true } });
    expect((await refusal({})).code).toBe('UNEXPECTED_RESPONSE');

    const closed = recordingServer();
    const closedUrl = await closed.listen();
    await closed.close();
    expect(await refusal({ server: closedUrl })).toMatchObject({ code: 'SERVER_UNREACHABLE', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('documents every code it answers itself in the SDK\'s README', async () => {
    const source = await readFile(new URL('./publish.ts', import.meta.url), 'utf8');
    const union = /export type PublishErrorCode =([^;]+);/.exec(source)![1]!;
    const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(4);
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    expect(codes.filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });
});
