/**
 * The hostile plugin battery, end to end: real platform, real HTTP, plugins published with a
 * signature and installed through the admin API. Every attack is a GraphQL query of tenant A
 * that also asks for A's own (non-plugin) data, fired together with a native query of tenant B;
 * the attack must end as a coded error on the plugin's own field only, A's other fields must
 * resolve, and every answer B got meanwhile must be exact (DESIGN.md decisions 3–5, 8).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../config.js';
import { createCustomer } from '../domain/customers.js';
import { startServer, type RunningServer } from '../http/server.js';
import type { Logger } from '../lib/logger.js';
import { openPlatform, type Platform } from '../platform.js';
import { tenantContext } from '../tenancy/context.js';
import { createTenant } from '../tenancy/tenants.js';
import { createPublisher } from './registry/index.js';
import { graphqlClient, type Gql, type GqlResponse as Res } from './testing/graphql-client.js';
import { buildFixture, type BuiltFixture } from './testing/build-fixture.js';


/**
 * With characters URL-encoding changes, so redaction of encoded forms is exercised too, yet a
 * valid HTTP token, so a server can echo it as a header name.
 */
const SECRET = `s3cr3t.${randomBytes(8).toString('hex')}+&%!`;
const SECRET_FORMS = [SECRET, encodeURIComponent(SECRET), encodeURI(SECRET)];

const A_NAMES = ['Ada', 'Alan', 'Grace'];
const B_CUSTOMERS = [{ name: 'Bea Berg', email: 'bea@b.example' }, { name: 'Bo Brink', email: 'bo@b.example' }];
const B_QUERY = `{ customers(first: 10, orderBy: NAME_ASC) { edges { node { name email } } } }`;
const B_ANSWER = { data: { customers: { edges: B_CUSTOMERS.map((node) => ({ node })) } } };

// ---------------------------------------------------------------------------------------------
// Echo servers: the only thing plugins may reach (as `localhost`, allowed to be private by the
// operator). They record every request, so a refused SSRF can be shown never to have arrived.

interface Echo {
  base: string;
  port: number;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startEcho(): Promise<Echo> {
  const requests: Echo['requests'] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ path: url.pathname, headers: req.headers });
    const auth = req.headers.authorization ?? '';
    if (url.pathname === '/redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
    } else if (url.pathname === '/bounce') {
      // Same origin, so the secret-bearing header follows; each Location carries it back.
      res.writeHead(302, { location: `/bounce?auth=${encodeURIComponent(auth)}` }).end();
    } else {
      // The request's headers in the body, and its Authorization in a response header's value
      // and in another one's name too.
      const token = auth.replace(/^Bearer /, '');
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo-authorization': auth, ...(token && { [`x-echo-${token}`]: 'name' }) });
      res.end(JSON.stringify({ path: url.pathname, headers: req.headers }));
    }
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://localhost:${port}`,
    port,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Both loopbacks where the machine has IPv6, so an SSRF to [::1] would really arrive. */
async function listen(server: Server): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen({ port: 0, host: '::', ipv6Only: false }, resolve));
  } catch {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
}

// ---------------------------------------------------------------------------------------------
// A world: one platform, its HTTP server, tenants A and B with customers, publisher acme.

interface World {
  platform: Platform;
  server: RunningServer;
  a: Gql;
  b: Gql;
  tenantA: string;
  tenantB: string;
  slugA: string;
  /** Everything the core logged (at debug level and up). */
  logLines: string[];
  publish(built: BuiltFixture): Promise<void>;
  close(): Promise<void>;
}

async function startWorld(slug: string, env: Record<string, string>): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), `mosaic-${slug}-`));
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink) as unknown as Logger;
  const platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0', ...env }), logger);
  const server = await startServer(platform);
  const client = (apiKey: string) => graphqlClient(server.url, apiKey);
  const seed = async (tenantSlug: string, people: { name: string; email?: string }[]) => {
    const created = await createTenant(platform.control.db, platform.tenants, { slug: tenantSlug });
    const ctx = tenantContext((await platform.keys.verify(created.apiKey))!, await platform.tenants.get(created.tenant.id));
    for (const person of people) await createCustomer(ctx, person);
    return { id: created.tenant.id, gql: client(created.apiKey) };
  };
  const ta = await seed(`${slug}-a`, A_NAMES.map((name) => ({ name })));
  const tb = await seed(`${slug}-b`, B_CUSTOMERS);
  const pub = await createPublisher(platform.control.db, { handle: 'acme' });
  return {
    platform, server, a: ta.gql, b: tb.gql, tenantA: ta.id, tenantB: tb.id, slugA: `${slug}-a`, logLines,
    async publish(built) {
      const res = await ta.gql(`mutation($i: PublishPluginVersionInput!) { publishPluginVersion(input: $i) { version { pluginId } } }`,
        { i: { publisherId: pub.publisher.id, manifest: built.manifest, bundle: built.bundle, signature: built.sign(pub.privateKeyPem) } });
      expect(res.errors).toBeUndefined();
    },
    async close() {
      await server.close();
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const INSTALL = `mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { pluginId secretNames } } }`;

/** Installs one of the hostile fixture's builds with everything it asks for and the secret. */
async function installHostile(client: Gql, pluginId: string): Promise<void> {
  const res = await client(INSTALL, {
    i: { pluginId, version: '1.0.0', grantScopes: ['storage'], grantEgress: ['localhost'], secrets: [{ name: 'API_TOKEN', value: SECRET }] },
  });
  expect(res.errors).toBeUndefined();
  expect(res.data.installPlugin.installation).toEqual({ pluginId, secretNames: ['API_TOKEN'] });
}

/** The hostile fixture built under another id (a second, independent plugin with the same code). */
const renamed = (name: string) => (src: string) => src.replaceAll('acme.hostile', `acme.${name}`).replaceAll('acme_hostile_', `acme_${name}_`);

// ---------------------------------------------------------------------------------------------
// Attacks and what must hold around them.

const attackQuery = (name = 'hostile') =>
  `query($kind: String!, $arg: String) { customers(first: 10, orderBy: NAME_ASC) { edges { node { name } } } acme_${name}_attack(kind: $kind, arg: $arg) }`;

/**
 * Fires A's query and B's native query at the same time (Promise.all). B keeps asking until A
 * has its answer; every answer B gets must be exact.
 */
async function underAttack(w: World, query: string, variables?: Record<string, unknown>): Promise<Res> {
  let over = false;
  const attack = w.a(query, variables).finally(() => {
    over = true;
  });
  const bystander = (async () => {
    let answers = 0;
    do {
      expect(await w.b(B_QUERY)).toEqual(B_ANSWER);
      answers++;
    } while (!over);
    return answers;
  })();
  const [res, answers] = await Promise.all([attack, bystander]);
  expect(answers).toBeGreaterThan(0);
  return res;
}

const attack = (w: World, kind: string, arg?: string, name = 'hostile') => underAttack(w, attackQuery(name), { kind, arg });

/** A's own data resolved; the plugin field is null with exactly one error, of `code`, on it. */
function expectContained(res: Res, code: 'PLUGIN_FAILED' | 'PLUGIN_TIMEOUT', message: RegExp, name = 'hostile'): string {
  const field = `acme_${name}_attack`;
  expect(res.data?.customers.edges.map((e: any) => e.node.name)).toEqual(A_NAMES);
  expect(res.data).toHaveProperty(field, null);
  expect(res.errors?.map((e) => ({ path: e.path, code: e.extensions?.code }))).toEqual([{ path: [field], code }]);
  expect(res.errors![0]!.message).toMatch(message);
  return res.errors![0]!.message;
}

/** The same plugin answers normally right after (which also resets its breaker's failure count). */
async function expectRecovered(w: World, name = 'hostile'): Promise<void> {
  const res = await w.a(`{ acme_${name}_attack(kind: "ok") }`);
  expect(res).toEqual({ data: { [`acme_${name}_attack`]: `ok from acme.${name} in ${w.slugA}` } });
}

async function storageRows(w: World, tenantId: string, pluginId: string) {
  const { client } = await w.platform.tenants.get(tenantId);
  const rs = await client.execute({
    sql: 'select key, length(cast(value as blob)) as bytes, length(cast(key as blob)) + length(cast(value as blob)) as total from plugin_storage where plugin_id = ? order by key',
    args: [pluginId],
  });
  return rs.rows.map((r) => ({ key: String(r.key), bytes: Number(r.bytes), total: Number(r.total) }));
}

async function dumpAll(client: { execute(sql: string): Promise<{ rows: unknown[] }> }): Promise<string> {
  const tables = await client.execute("select name from sqlite_master where type = 'table'");
  const dump: Record<string, unknown[]> = {};
  for (const row of tables.rows as { name: string }[]) dump[row.name] = (await client.execute(`select * from "${row.name}"`)).rows;
  return JSON.stringify(dump);
}

const expectNoSecret = (what: string, text: string) => {
  for (const form of SECRET_FORMS) expect(text.includes(form), `${what} holds the secret`).toBe(false);
};

// ---------------------------------------------------------------------------------------------

let hostile: BuiltFixture;
let echo: Echo;
let other: Echo;

beforeAll(async () => {
  hostile = await buildFixture('hostile', '1.0.0');
  echo = await startEcho();
  other = await startEcho();
}, 60_000);
afterAll(async () => {
  await echo?.close();
  await other?.close();
});

describe('hostile plugins are contained (localhost allowed as a private egress host)', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld('hp', { MOSAIC_EGRESS_ALLOW_PRIVATE_HOSTS: 'localhost', MOSAIC_PLUGIN_STORAGE_QUOTA_BYTES: '4096' });
    const [tamper, flaky, greeter] = await Promise.all([
      buildFixture('hostile', '1.0.0', renamed('tamper')),
      buildFixture('hostile', '1.0.0', renamed('flaky')),
      buildFixture('greeter', '1.0.0'),
    ]);
    for (const built of [hostile, tamper, flaky, greeter]) await w.publish(built);
    for (const id of ['acme.hostile', 'acme.tamper', 'acme.flaky']) await installHostile(w.a, id);
    await installHostile(w.b, 'acme.tamper');
    const greeted = await w.a(INSTALL, {
      i: { pluginId: 'acme.greeter', grantScopes: ['customers:read', 'storage'], grantEgress: ['api.greetings.test'], config: { greeting: 'Ahoy' } },
    });
    expect(greeted.errors).toBeUndefined();
    // Warm up: the sandbox worker starts on first use.
    await expectRecovered(w);
  }, 120_000);

  afterAll(() => w?.close());

  const expectGreeter = async () => {
    const res = await w.a(`{ customers(first: 10, orderBy: NAME_ASC) { edges { node { acme_greeter_greeting } } } }`);
    expect(res).toEqual({ data: { customers: { edges: A_NAMES.map((n) => ({ node: { acme_greeter_greeting: `Ahoy, ${n}!` } })) } } });
  };

  it('stops an infinite loop at the CPU limit: PLUGIN_TIMEOUT', async () => {
    const started = performance.now();
    expectContained(await attack(w, 'spin'), 'PLUGIN_TIMEOUT', /^acme\.hostile: the plugin exceeded its CPU time limit of 1000 ms$/);
    expect(performance.now() - started).toBeLessThan(5_000);
    await expectRecovered(w);
  });

  it('contains a memory bomb in a batched Customer field: each parent\'s field is null with PLUGIN_FAILED', async () => {
    const res = await underAttack(w, `{ customers(first: 10, orderBy: NAME_ASC) { edges { node { name acme_hostile_badge(kind: "memory") } } } }`);
    expect(res.data.customers.edges.map((e: any) => e.node)).toEqual(A_NAMES.map((name) => ({ name, acme_hostile_badge: null })));
    expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.message])).toEqual(A_NAMES.map((_, i) => [
      ['customers', 'edges', i, 'node', 'acme_hostile_badge'], 'PLUGIN_FAILED', 'acme.hostile: the plugin exceeded its memory limit of 64 MB',
    ]));
    await expectRecovered(w);
  });

  it('turns unbounded recursion into PLUGIN_FAILED', async () => {
    expectContained(await attack(w, 'recurse'), 'PLUGIN_FAILED', /^acme\.hostile: RangeError: Maximum call stack size exceeded$/);
    await expectRecovered(w);
  });

  it('refuses a 100 MB return value inside the sandbox; the core never holds it', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    expectContained(await attack(w, 'huge'), 'PLUGIN_FAILED', /^acme\.hostile: the plugin exceeded its memory limit of 64 MB$/);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
    // One that fits the isolate's heap is stopped by the result limit instead.
    expectContained(await attack(w, 'big'), 'PLUGIN_FAILED', /^acme\.hostile: the result is 5242884 characters of JSON; the limit is 4194304 bytes$/);
    await expectRecovered(w);
  });

  it('gives plugin code no process, require, import() or a way around them', async () => {
    const res = await underAttack(w, `{
      customers(first: 10, orderBy: NAME_ASC) { edges { node { name } } }
      process: acme_hostile_attack(kind: "process")
      require: acme_hostile_attack(kind: "require")
      import: acme_hostile_attack(kind: "import")
      escape: acme_hostile_attack(kind: "constructorEscape")
    }`);
    expect(res.data).toEqual({ customers: { edges: A_NAMES.map((name) => ({ node: { name } })) }, process: null, require: null, import: null, escape: null });
    const byField = Object.fromEntries(res.errors!.map((e) => [e.path![0], [e.extensions?.code, e.message]]));
    expect(byField).toEqual({
      process: ['PLUGIN_FAILED', 'acme.hostile: ReferenceError: process is not defined'],
      require: ['PLUGIN_FAILED', 'acme.hostile: ReferenceError: require is not defined'],
      // isolated-vm has no module loader: a dynamic import() is refused outright.
      import: ['PLUGIN_FAILED', 'acme.hostile: Not supported'],
      escape: ['PLUGIN_FAILED', 'acme.hostile: ReferenceError: process is not defined'],
    });
    await expectRecovered(w);
  });

  it('refuses capabilities that were not granted: FORBIDDEN reaches the plugin, the field fails, nothing is written', async () => {
    const { client } = await w.platform.tenants.get(w.tenantA);
    const before = await dumpAll(client);
    const customerId = (await w.a(`{ customers(first: 1) { edges { node { id } } } }`)).data.customers.edges[0].node.id;
    for (const [kind, scope] of [['customers', 'customers:read'], ['orders', 'orders:read'], ['createCase', "cases:write"]] as const) {
      expectContained(await attack(w, kind, customerId), 'PLUGIN_FAILED',
        new RegExp(`^acme\\.hostile: FORBIDDEN: this installation of acme\\.hostile was not granted the '${scope}'`));
    }
    expect(await dumpAll(client)).toBe(before);
    await expectRecovered(w);
  });

  it('tampering with globals and prototypes stays inside that installation\'s isolate', async () => {
    const message = expectContained(await attack(w, 'tamper', '', 'tamper'), 'PLUGIN_FAILED', /^acme\.tamper: /, 'tamper');
    // The plugin's own `code` never becomes the client-facing one.
    expect(message).toBe('acme.tamper: tampered with everything');
    // The tampering took: that installation's own isolate stays polluted (and keeps serving it)...
    expect(await w.a(`{ acme_tamper_attack(kind: "check") }`)).toEqual({ data: { acme_tamper_attack: '"garbage"' } });
    // ...but the same bundle installed in tenant B, in the same worker process, is untouched...
    const inB = await w.b(`{ acme_tamper_attack(kind: "check") }`);
    expect(inB).toEqual({ data: { acme_tamper_attack: JSON.stringify({ mapped: [2, 4, 6], injected: null, parsed: { a: 1 }, sliced: 'bc', probe: { list: [1, 2], text: 'v' } }) } });
    // ...and so are another plugin of tenant A and the host itself.
    await expectGreeter();
    expect(({} as Record<string, unknown>).injected).toBeUndefined();
    expect([1, 2].map((n) => n + 1)).toEqual([2, 3]);
    expect(JSON.parse(JSON.stringify({ code: 1 }))).toEqual({ code: 1 });
  });

  it('fetches only the hosts its manifest declares', async () => {
    const ok = await attack(w, 'fetch', `${echo.base}/echo`);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.acme_hostile_attack).toMatch(/^200 \{"path":"\/echo"/);
    const seen = echo.requests.length;
    expectContained(await attack(w, 'fetch', 'https://example.com/'), 'PLUGIN_FAILED',
      /^acme\.hostile: EGRESS_HOST_NOT_ALLOWED: host 'example\.com' is not in this plugin's allowed hosts/);
    expect(echo.requests.length).toBe(seen);
    await expectRecovered(w);
  });

  const notAllowed = (host: string) => new RegExp(`^acme\\.hostile: EGRESS_HOST_NOT_ALLOWED: host '${host.replace(/[.[\]]/g, '\\$&')}' is not in this plugin's allowed hosts`);
  // Another spelling of an address is refused as written, naming the canonical form.
  const disguised = (canonical: string) => new RegExp(`^acme\\.hostile: EGRESS_BAD_REQUEST: .* written another way; write an IP address in its canonical form, ${canonical.replace(/[.[\]]/g, '\\$&')}`);
  const SSRF: [string, (port: number) => string, RegExp][] = [
    ['127.0.0.1', (port) => `http://127.0.0.1:${port}/ssrf`, notAllowed('127.0.0.1')],
    ['[::1]', (port) => `http://[::1]:${port}/ssrf`, notAllowed('[::1]')],
    ['::ffff:127.0.0.1', (port) => `http://[::ffff:127.0.0.1]:${port}/ssrf`, disguised('[::ffff:7f00:1]')],
    ['169.254.169.254 (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/', notAllowed('169.254.169.254')],
    ['0.0.0.0', (port) => `http://0.0.0.0:${port}/ssrf`, notAllowed('0.0.0.0')],
    ['2130706433 (127.0.0.1 as one number)', (port) => `http://2130706433:${port}/ssrf`, disguised('127.0.0.1')],
    ['0x7f000001 (127.0.0.1 in hex)', (port) => `http://0x7f000001:${port}/ssrf`, disguised('127.0.0.1')],
  ];

  it.each(SSRF)('refuses SSRF to %s', async (_what, url, refusal) => {
    const res = await attack(w, 'fetch', url(echo.port));
    expectContained(res, 'PLUGIN_FAILED', refusal);
    expect(echo.requests.filter((r) => r.path === '/ssrf')).toEqual([]);
    await expectRecovered(w);
  });

  it.each([
    ['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/ssrf`, '127.0.0.1'],
    ['169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
  ])('refuses a redirect from an allowed host to %s', async (_what, target, canonical) => {
    const from = `${echo.base}/redirect?to=${encodeURIComponent(target(echo.port))}`;
    const res = await attack(w, 'fetch', from);
    const message = expectContained(res, 'PLUGIN_FAILED', new RegExp(`^acme\\.hostile: EGRESS_HOST_NOT_ALLOWED: host '${canonical.replace(/\./g, '\\.')}' is not in`));
    expect(message).toContain(`(reached by a redirect from ${from}`);
    expect(echo.requests.filter((r) => r.path === '/redirect').length).toBeGreaterThan(0);
    expect(echo.requests.filter((r) => r.path === '/ssrf')).toEqual([]);
    await expectRecovered(w);
  });

  it('refuses storage keys that would not list back as set (NUL, lone surrogate), and lists every valid key exactly', async () => {
    const before = await storageRows(w, w.tenantA, 'acme.hostile');
    const nul = await attack(w, 'storeKeys', JSON.stringify(['a\u0000b']));
    expectContained(nul, 'PLUGIN_FAILED', /BAD_USER_INPUT: invalid arguments for storage\.set: key: contains the control character U\+0000$/);
    const surrogate = await attack(w, 'storeKeys', JSON.stringify(['\uD800']));
    expectContained(surrogate, 'PLUGIN_FAILED', /BAD_USER_INPUT: invalid arguments for storage\.set: key: is not well-formed Unicode/);
    expect(await storageRows(w, w.tenantA, 'acme.hostile')).toEqual(before);
    await expectRecovered(w);

    // Across the bridge and back: metacharacters, a backslash, U+FFFD itself, multi-byte text.
    const keys = ['k%_*[\\]', '\uFFFD', '漢字 🎉', `${'é'.repeat(250)}`];
    const res = await attack(w, 'storeKeys', JSON.stringify(keys));
    expect(res.errors).toBeUndefined();
    const { listed, values } = JSON.parse(res.data.acme_hostile_attack) as { listed: string[]; values: string[] };
    expect(listed.filter((k) => keys.includes(k)).sort()).toEqual([...keys].sort());
    expect(values).toEqual(keys);
    expect(await storageRows(w, w.tenantA, 'acme.hostile')).toEqual(before);

    // A plugin field's own arguments follow the API's text rule and caps: refused before the plugin runs.
    for (const [arg, why] of [['a\u0000', /acme_hostile_attack\(arg\): contains the control character U\+0000/], ['x'.repeat(1001), /acme_hostile_attack\(arg\): is 1001 characters; the limit is 1000/]] as const) {
      const refused = await w.a(attackQuery(), { kind: 'storeKeys', arg });
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors![0]!.message).toMatch(why);
    }
  });

  it('holds the storage quota with a coded error and writes nothing of a refused value', async () => {
    const quota = /QUOTA_EXCEEDED: storage would hold (\d+) bytes; this plugin may keep 4096 \(keys and values\) in this tenant$/;
    const stored = await attack(w, 'store', 'a=1000,b=1000,c=1000');
    expect(stored).toEqual({ data: { customers: expect.anything(), acme_hostile_attack: 'a,b,c' } });
    const kept = [{ key: 'a', bytes: 1002, total: 1003 }, { key: 'b', bytes: 1002, total: 1003 }, { key: 'c', bytes: 1002, total: 1003 }];
    expect(await storageRows(w, w.tenantA, 'acme.hostile')).toEqual(kept);

    expect(expectContained(await attack(w, 'store', 'd=1100'), 'PLUGIN_FAILED', quota)).toMatch(/hold 4112 bytes/);
    // Overwriting counts the new size in place of the old; refused, the old value stays whole.
    expect(expectContained(await attack(w, 'store', 'a=2100'), 'PLUGIN_FAILED', quota)).toMatch(/hold 4109 bytes/);
    expectContained(await attack(w, 'store', 'e=70000'), 'PLUGIN_FAILED', /BAD_USER_INPUT: storage value is 70002 bytes of JSON; the limit is 65536$/);
    expect(await storageRows(w, w.tenantA, 'acme.hostile')).toEqual(kept);

    // Concurrent writes cannot squeeze past the quota together: 1087 bytes are left, room for two.
    expectContained(await attack(w, 'storeAtOnce', 'p=500,q=500,r=500'), 'PLUGIN_FAILED', quota);
    const rows = await storageRows(w, w.tenantA, 'acme.hostile');
    expect(rows.filter((r) => ['p', 'q', 'r'].includes(r.key)).map((r) => r.bytes)).toEqual([502, 502]);
    expect(rows.reduce((sum, r) => sum + r.total, 0)).toBeLessThanOrEqual(4096);
    expect(await storageRows(w, w.tenantB, 'acme.hostile')).toEqual([]);
    // The quota is per plugin: another plugin of the tenant still stores.
    const stats = await w.a(`{ customers(first: 1, orderBy: NAME_ASC) { edges { node { acme_greeter_stats { calls } } } } }`);
    expect(stats.errors).toBeUndefined();
    await expectRecovered(w);
  });

  it('never lets the secret be read: not from ctx, globals, response headers, errors, logs, APIs or storage', async () => {
    const hunt = await attack(w, 'hunt', `${echo.base} ${other.base}`);
    expect(hunt.errors).toBeUndefined();
    const loot = JSON.parse(hunt.data.acme_hostile_attack) as Record<string, any>;
    // The secret was really used: injected into the header the plugin asked for...
    const echoed = echo.requests.filter((r) => r.path === '/echo' && r.headers.authorization !== undefined);
    expect(echoed.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
    // ...and the plugin only saw it redacted where the host hands things back.
    expect(loot.echoStatus).toBe(200);
    expect(loot.echoHeaders['x-echo-authorization']).toBe('Bearer [redacted:API_TOKEN]');
    expect(loot.echoHeaders['x-echo-[redacted:API_TOKEN]']).toBe('name');
    expect(loot.echoBodyChars).toBeGreaterThan(0);
    // A redirect to another origin drops the secret-bearing header.
    expect(loot.hopStatus).toBe(200);
    expect(JSON.parse(loot.hopBody).headers.authorization).toBeUndefined();
    expect(other.requests.at(-1)!.headers.authorization).toBeUndefined();
    expect(JSON.parse(loot.ctx)).toEqual({
      tenant: { id: w.tenantA, slug: 'hp-a' },
      installation: { id: expect.any(String), pluginId: 'acme.hostile', version: '1.0.0' },
      config: {},
      customers: {}, orders: {}, cases: {}, interactions: {}, storage: {}, log: {},
    });
    expect(loot.globals.length).toBeGreaterThan(30);

    const leak = expectContained(await attack(w, 'leak', echo.base), 'PLUGIN_FAILED', /^acme\.hostile: refusals: /);
    expect(leak).toContain("EGRESS_BAD_REQUEST: request URL contains a {{secret:...}} placeholder");
    expect(leak).toContain("EGRESS_BAD_REQUEST: header 'authorization' refers to secret 'NOT_MINE', which is not configured");
    expect(leak).toMatch(/EGRESS_FAILED: request to http:\/\/localhost:1 failed/);
    expect(leak).toMatch(/EGRESS_TOO_MANY_REDIRECTS: stopped after 3 redirect\(s\).*\[redacted:API_TOKEN\]/);
    expect(leak).toContain('EGRESS_BAD_REQUEST: a GET request cannot have a body');

    const { platform } = w;
    const everything = {
      hunt: JSON.stringify(hunt),
      leak,
      logs: JSON.stringify(await w.a(`{ pluginLogs(pluginId: "acme.hostile", first: 500) { level message data at } }`)),
      installations: JSON.stringify(await w.a(`{ pluginInstallations { id pluginId version previousVersion status grantedScopes grantedEgress config secretNames webhookPaths installedAt updatedAt retainDataUntil } }`)),
      marketplace: JSON.stringify(await w.a(`{ marketplace { pluginId versions latest { pluginId scopes egress secrets { name description } configSchema schema } } }`)),
      usage: JSON.stringify(await w.a(`{ pluginUsage(pluginId: "acme.hostile") { calls failures fetches fetchBytes } }`)),
      controlTables: await dumpAll(platform.control.client),
      tenantTables: await dumpAll((await platform.tenants.get(w.tenantA)).client),
      coreLog: w.logLines.join(''),
    };
    expect(everything.logs).toContain('loot');
    expect(everything.logs).toContain('[redacted:API_TOKEN]');
    expect(everything.installations).toContain('"secretNames":["API_TOKEN"]');
    expect(everything.controlTables).toContain('plugin.install');
    expect(w.logLines.length).toBeGreaterThan(0);
    for (const [what, text] of Object.entries(everything)) expectNoSecret(what, text);
    await expectRecovered(w);
  });

  it('opens the breaker after repeated failures: later calls fail fast, saying the plugin is paused', async () => {
    for (let i = 0; i < 4; i++) {
      // The plugin throws with code UNAUTHENTICATED: clients still see PLUGIN_FAILED.
      expectContained(await attack(w, 'throw', '', 'flaky'), 'PLUGIN_FAILED', /^acme\.flaky: boom$/, 'flaky');
    }
    expectContained(await attack(w, 'spin', '', 'flaky'), 'PLUGIN_TIMEOUT', /CPU time limit of 1000 ms$/, 'flaky');
    // Open: the same spin now costs no sandbox time at all.
    const started = performance.now();
    const paused = await attack(w, 'spin', '', 'flaky');
    expect(performance.now() - started).toBeLessThan(800);
    expectContained(paused, 'PLUGIN_FAILED', /^acme\.flaky failed repeatedly and is paused for (29|30)s$/, 'flaky');
    expectContained(await attack(w, 'ok', '', 'flaky'), 'PLUGIN_FAILED', /is paused/, 'flaky');
    // Paused means not called: usage counts the five failures only.
    const usage = await w.a(`{ pluginUsage(pluginId: "acme.flaky") { calls failures } }`);
    expect(usage.data.pluginUsage).toEqual([{ calls: 5, failures: 5 }]);
    // Other plugins of the tenant, and the same plugin in another tenant, are not affected.
    await expectRecovered(w);
    await expectGreeter();
    expect(await w.b(`{ acme_tamper_attack(kind: "ok") }`)).toEqual({ data: { acme_tamper_attack: 'ok from acme.tamper in hp-b' } });
  });
});

describe('hostile plugins without private egress hosts', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld('np', {});
    await w.publish(hostile);
    await installHostile(w.a, 'acme.hostile');
  }, 120_000);

  afterAll(() => w?.close());

  it('refuses a declared, granted name that resolves to loopback (localhost)', async () => {
    const seen = echo.requests.length;
    const res = await attack(w, 'fetch', `${echo.base}/ssrf`);
    expectContained(res, 'PLUGIN_FAILED',
      /^acme\.hostile: EGRESS_ADDRESS_BLOCKED: host 'localhost' resolves to an address that is not public \(loopback\); plugins may only reach public internet addresses$/);
    expect(echo.requests.length).toBe(seen);
  });
});

describe('hostile results, endless waits and floods (worker RSS ceiling 128 MB)', () => {
  let w: World;

  beforeAll(async () => {
    // The lowest ceiling the configuration accepts, so a process bloated by one attack is replaced;
    // a rate limit B's bystander loop cannot reach while A's call waits out its 10 s deadline.
    w = await startWorld('hr', { MOSAIC_SANDBOX_WORKER_MAX_RSS_MB: '128', MOSAIC_RATE_LIMIT_PER_MINUTE: '100000000' });
    await w.publish(hostile);
    await installHostile(w.a, 'acme.hostile');
    await expectRecovered(w);
  }, 120_000);

  afterAll(() => w?.close());

  /** The sandbox worker's pid and RSS as of its last call (one worker: every installation lands on it). */
  const worker = () => ({ pid: w.platform.plugins.sandbox.workerPid(''), rss: w.platform.plugins.sandbox.workerRssBytes('') });

  /**
   * Runs `kind` under attack, checks what it answered with `check`, then that the plugin answers
   * again and its worker's RSS is back within 20 % of what it was before (after a recycle, if the
   * attack took the process past its ceiling). Returns the pids before and after.
   */
  async function contained(kind: string, check: (res: Res) => void, arg?: string) {
    await expectRecovered(w);
    const before = worker();
    check(await attack(w, kind, arg));
    await expectRecovered(w);
    const after = worker();
    expect(after.rss, `RSS ${after.rss} vs ${before.rss} before`).toBeLessThanOrEqual(before.rss * 1.2);
    return { before: before.pid, after: after.pid };
  }

  it.each([
    ['atomicsWait', 'absent: Atomics=undefined SharedArrayBuffer=undefined'],
    ['wasmGrow', 'absent: WebAssembly=undefined'],
  ])('finds no way to block or grow outside the heap (%s): the documented value', async (kind, answer) => {
    const pids = await contained(kind, (res) => {
      expect(res.errors).toBeUndefined();
      expect(res.data.acme_hostile_attack).toBe(answer);
    });
    expect(pids.after).toBe(pids.before);
  });

  it.each([
    ['getterThrows', 'PLUGIN_FAILED', /^acme\.hostile: getter ran$/],
    ['proxyTraps', 'PLUGIN_FAILED', /^acme\.hostile: proxy trap ran$/],
    ['cyclic', 'PLUGIN_FAILED', /^acme\.hostile: TypeError: Converting circular structure to JSON/],
    ['getterSpins', 'PLUGIN_TIMEOUT', /^acme\.hostile: the plugin exceeded its CPU time limit of 1000 ms$/],
    ['proxySpins', 'PLUGIN_TIMEOUT', /^acme\.hostile: the plugin exceeded its CPU time limit of 1000 ms$/],
  ] as const)('serialises a hostile result (%s) inside the isolate: %s, the host runs none of it', async (kind, code, message) => {
    const started = performance.now();
    const pids = await contained(kind, (res) => expectContained(res, code, message));
    expect(performance.now() - started).toBeLessThan(15_000);
    // A spin costs the installation its isolate, never the worker process.
    expect(pids.after).toBe(pids.before);
  });

  it('ends a promise that never settles at the wall-clock deadline: PLUGIN_TIMEOUT', async () => {
    const started = performance.now();
    const pids = await contained('neverSettles', (res) =>
      expectContained(res, 'PLUGIN_TIMEOUT', /^acme\.hostile: the plugin exceeded its wall-clock deadline of 10000 ms$/));
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(pids.after).toBe(pids.before);
  }, 30_000);

  it('bounds a flood of 100 000 log lines by the host-call budget: PLUGIN_FAILED, at most 100 lines kept', async () => {
    const started = performance.now();
    const pids = await contained('logFlood', (res) =>
      expectContained(res, 'PLUGIN_FAILED', /^acme\.hostile: the plugin made more than 100 host calls in one invocation$/));
    expect(performance.now() - started).toBeLessThan(15_000);
    const logs = await w.a(`{ pluginLogs(pluginId: "acme.hostile", first: 500) { message } }`);
    const flood = (logs.data.pluginLogs as { message: string }[]).filter((l) => l.message.startsWith('flood '));
    expect(flood.length).toBeGreaterThan(0);
    expect(flood.length).toBeLessThanOrEqual(100);
    expect(pids.after).toBe(pids.before);
  }, 30_000);

  it('answers JSON.parse of a 50 MB string literal (strings fit, if only by the heap limit\'s slack); the worker back to its size', async () => {
    await contained('parseHugeString', (res) => {
      expect(res.errors).toBeUndefined();
      expect(res.data.acme_hostile_attack).toBe(`parsed ${50 * 2 ** 20}`);
    });
  }, 30_000);

  it('contains JSON.parse of 50 MB of objects: PLUGIN_FAILED, the worker replaced and back to its size', async () => {
    const kind = 'parseHuge';
    // V8 runs out of memory inside JSON.parse, past the isolate's heap limit; isolated-vm reports
    // that as catastrophic and the worker ends itself (worker.ts), so the core forks a new one.
    let message = '';
    const pids = await contained(kind, (res) => {
      message = expectContained(res, 'PLUGIN_FAILED', /^acme\.hostile: (the plugin exceeded its memory limit of 64 MB|the plugin sandbox process crashed \(signal SIGKILL\))$/);
    });
    if (message.includes('crashed')) expect(pids.after).not.toBe(pids.before);
  }, 30_000);
});
