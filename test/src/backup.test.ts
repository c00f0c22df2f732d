/**
 * `mosaic backup` and `mosaic restore` end to end with real processes: a served demo tenant is
 * backed up while a writer keeps writing through the API, restored into a fresh data folder (and
 * into a real libsql server), and the restored platform answers a customer's 360 exactly as the
 * original does. Bad backups are refused with their code and leave the target as it was.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosaicBin, startCoreProcess } from './core-process.js';
import { localOf } from './fixtures.js';
import { graphqlClient, type Client } from './harness.js';
import { freePort, startSqld, waitForHttp, type SqldServer } from './sqld-server.js';

const run = promisify(execFile);
type Failure = { code: number; stdout: string; stderr: string };

const root = mkdtempSync(join(tmpdir(), 'mosaic-backup-e2e-'));
const folder = (name: string) => join(root, name);

/** Runs the built CLI with a database environment; answers its --json output and how long it took. */
async function mosaic(env: Record<string, string>, ...args: string[]): Promise<{ out: any; ms: number }> {
  const started = Date.now();
  const { stdout } = await run(process.execPath, [mosaicBin(), ...args, '--json'], { env: { ...process.env, MOSAIC_LOG_LEVEL: 'warn', ...env } });
  return { out: JSON.parse(stdout), ms: Date.now() - started };
}
const mosaicFails = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, [mosaicBin(), ...args], { env: { ...process.env, MOSAIC_LOG_LEVEL: 'warn', ...env } })
    .then(() => { throw new Error(`mosaic ${args.join(' ')} should have failed`); }, (e: Failure) => e);
const embedded = (dir: string) => ({ MOSAIC_DATA_DIR: dir });

/** A customer's 360 as a console would read it, plus a knowledge search (which needs the FTS index). */
const CUSTOMER_360 = /* GraphQL */ `query($id: ID!, $words: String!) {
  customer(id: $id) {
    id name email phone status account { name domain tier } address { line1 city country }
    identities { kind value provider }
    cases(first: 5) { edges { node { number subject status priority channel createdAt
      interactions(first: 5) { edges { node { channel direction body occurredAt } } } } } }
    orders(first: 5) { edges { node { orderNumber orderStatus total { amount currency } lines { sku quantity } placedAt } } }
    timeline(first: 20) { edges { kind at node { __typename } } pageInfo { hasNextPage } }
  }
  searchKnowledge(query: $words, first: 5) { article { id title } }
}`;

/** Writes through the API until stopped, noting when each write was acknowledged. */
let writers = 0;
function startWriter(client: Client) {
  const tag = `${process.pid}-${++writers}`;
  const acknowledged: { id: string; at: number }[] = [];
  const attempted: string[] = [];
  let stopped = false;
  let longestMs = 0;
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const name = `Writer ${tag} ${i}`;
      attempted.push(name);
      const started = Date.now();
      const res = await client.gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }`,
        { i: { name, email: `writer-${tag}-${i}@example.com` } });
      if (res.errors) throw new Error(`the writer's createCustomer failed: ${JSON.stringify(res.errors)}`);
      const id = res.data!.createCustomer.customer.id as string;
      const kase = await client.gql(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } } }`,
        { i: { customerId: id, subject: `written while backing up ${i}` } });
      if (kase.errors) throw new Error(`the writer's createCase failed: ${JSON.stringify(kase.errors)}`);
      acknowledged.push({ id: localOf(id), at: Date.now() });
      longestMs = Math.max(longestMs, Date.now() - started);
    }
  })();
  let failure: unknown = null;
  loop.catch((err) => { failure = err; });
  return {
    acknowledged,
    attempted,
    get longestMs() { return longestMs; },
    /** Waits until `ready()` holds, failing at once if the writer failed. */
    async until(ready: () => boolean) {
      while (!ready()) {
        if (failure) throw failure;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() { stopped = true; await loop; },
  };
}

/** Rows per table of each database file in a data folder, as the manifest counts them. */
async function countFiles(dataDir: string, manifest: any): Promise<Record<string, Record<string, number>>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const db of manifest.databases) {
    const client = createClient({ url: `file:${join(dataDir, `${db.name}.db`)}` });
    counts[db.name] = {};
    for (const table of Object.keys(db.rows)) {
      counts[db.name]![table] = Number((await client.execute(`select count(*) as n from "${table}"`)).rows[0]!.n);
    }
    client.close();
  }
  return counts;
}
const manifestCounts = (manifest: any) => Object.fromEntries(manifest.databases.map((d: any) => [d.name, d.rows]));

/** The customers a restored tenant database holds that the writer made. */
async function writerCustomers(dataDir: string, tenantDb: string): Promise<{ id: string; name: string }[]> {
  const client = createClient({ url: `file:${join(dataDir, `${tenantDb}.db`)}` });
  const rs = await client.execute("select id, name from customers where name like 'Writer %'");
  client.close();
  return rs.rows.map((r) => ({ id: String(r.id), name: String(r.name) }));
}

/** A copy of the demo's backup with one change. */
function variant(name: string, change: (dir: string) => void): string {
  const dir = folder(name);
  cpSync(backupDir, dir, { recursive: true });
  change(dir);
  return dir;
}
const editManifest = (edit: (m: any) => void) => (dir: string) => {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
};

/** Customers the writers made, read straight from a tenant's namespace on sqld. */
async function writersOnServer(sqld: SqldServer, tenantDb: string): Promise<number> {
  const client = createClient({
    url: sqld.url,
    fetch: (input: Request | string | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      request.headers.set('x-namespace-bin', Buffer.from(tenantDb).toString('base64').replace(/=+$/, ''));
      return fetch(request);
    },
  });
  try {
    return Number((await client.execute("select count(*) as n from customers where name like 'Writer %'")).rows[0]!.n);
  } finally {
    client.close();
  }
}

let source: { child: ChildProcess; url: string; dataDir: string; adminKey: string; tenantDb: string };
let expected360: unknown;
let variables: { id: string; words: string };
let backupDir: string;
let manifest: any;

beforeAll(async () => {
  // `mosaic serve` on an empty folder seeds the demo tenant (500 customers, knowledge, channels).
  const dataDir = folder('source');
  const port = await freePort();
  const child = spawn(process.execPath, [mosaicBin(), 'serve'], {
    env: { ...process.env, MOSAIC_DATA_DIR: dataDir, MOSAIC_LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, child, 90_000).catch((err) => { child.kill('SIGKILL'); throw new Error(`${err.message}\n${stderr}`); });
  const credentials = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
  const tenantDb = readdirSync(dataDir).find((f) => /^t_[0-9a-f]{32}\.db$/.test(f))!.replace(/\.db$/, '');
  source = { child, url, dataDir, adminKey: credentials.keys.admin, tenantDb };
});
afterAll(async () => {
  if (source?.child.exitCode === null) {
    source.child.kill('SIGTERM');
    await new Promise((r) => source.child.once('exit', r));
  }
  rmSync(root, { recursive: true, force: true });
});

describe('mosaic backup and restore on the embedded database', () => {
  it('backs up while a writer writes; the restore answers the same 360 and holds the rows counted', async () => {
    const admin = graphqlClient(source.url, source.adminKey);
    const first = await admin.gql('{ customers(first: 1) { edges { node { id } } } searchKnowledge(query: "", first: 1) { article { title } } }');
    const title = first.data!.searchKnowledge[0].article.title as string;
    variables = { id: first.data!.customers.edges[0].node.id, words: title.split(/\W+/).sort((a, b) => b.length - a.length)[0]! };

    const writer = startWriter(admin);
    await writer.until(() => writer.acknowledged.length >= 5);
    const backupStarted = Date.now();
    backupDir = folder('backup');
    const backup = await mosaic(embedded(source.dataDir), 'backup', backupDir);
    const backupEnded = Date.now();
    await writer.until(() => writer.acknowledged.filter((w) => w.at > backupEnded).length >= 3);
    await writer.stop();
    const duringBackup = writer.acknowledged.filter((w) => w.at > backupStarted && w.at < backupEnded).length;
    console.info(`backup of the demo while writing: ${backup.out.elapsedMs} ms in the command (${backup.ms} ms with process start), ` +
      `${backup.out.bytes} bytes; ${duringBackup} writes acknowledged meanwhile, the longest took ${writer.longestMs} ms`);
    expect(duringBackup, 'the server kept acknowledging writes during the backup').toBeGreaterThan(0);

    manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
    expect(manifest.databases.map((d: any) => d.name)).toEqual(['control', source.tenantDb]);
    expect(readdirSync(folder('.')).filter((f) => f.includes('partial'))).toEqual([]);

    const original = await admin.gql(CUSTOMER_360, variables);
    expect(original.errors).toBeUndefined();
    expected360 = original.data;
    expect((expected360 as any).customer.timeline.edges.length).toBeGreaterThan(0);
    expect((expected360 as any).searchKnowledge.length).toBeGreaterThan(0);

    const restoredDir = folder('restored');
    const restore = await mosaic(embedded(restoredDir), 'restore', backupDir);
    console.info(`restore of the demo: ${restore.out.elapsedMs} ms in the command (${restore.ms} ms with process start)`);
    expect(await countFiles(restoredDir, manifest)).toEqual(manifestCounts(manifest));

    // Every write acknowledged before the backup began is in it; nothing is in it that was never written.
    const restoredWriters = await writerCustomers(restoredDir, source.tenantDb);
    const restoredIds = new Set(restoredWriters.map((c) => c.id));
    expect(writer.acknowledged.filter((w) => w.at < backupStarted).every((w) => restoredIds.has(w.id))).toBe(true);
    expect(restoredWriters.every((c) => writer.attempted.includes(c.name))).toBe(true);
    expect(restoredWriters.length).toBeLessThan(writer.acknowledged.length);

    const restored = await startCoreProcess(embedded(restoredDir));
    try {
      const answer = await graphqlClient(restored.url, source.adminKey).gql(CUSTOMER_360, variables);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(expected360);
    } finally {
      await restored.stop();
    }
  });

  it('refuses a tampered file, a path in a name, a newer format and a missing folder, leaving the target as it was', async () => {
    const target = folder('untouched');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'keep me');
    const tampered = variant('tampered', (dir) => {
      const file = join(dir, `${source.tenantDb}.db`);
      const bytes = readFileSync(file);
      bytes[4096] = bytes[4096]! ^ 1;
      writeFileSync(file, bytes);
    });
    const cases: [string, RegExp][] = [
      [tampered, /^mosaic: BACKUP_CORRUPT: t_[0-9a-f]{32}\.db does not match its checksum/],
      [variant('dotdot', editManifest((m) => { m.databases[1].name = '../x'; })), /^mosaic: BACKUP_INVALID: manifest\.json: databases\.1\.name/],
      [variant('newer', editManifest((m) => { m.formatVersion = 2; })), /^mosaic: BACKUP_FORMAT_UNSUPPORTED: /],
      [folder('does-not-exist'), /^mosaic: BACKUP_NOT_FOUND: /],
    ];
    for (const [dir, message] of cases) {
      const failure = await mosaicFails(embedded(target), 'restore', dir);
      expect(failure.code).not.toBe(0);
      expect(failure.stderr).toMatch(message);
      expect(readdirSync(target)).toEqual(['notes.txt']);
    }
    const occupied = await mosaicFails(embedded(folder('restored')), 'restore', backupDir);
    expect(occupied.stderr).toMatch(/^mosaic: RESTORE_TARGET_NOT_EMPTY: /);
    const exists = await mosaicFails(embedded(source.dataDir), 'backup', backupDir);
    expect(exists.stderr).toMatch(/^mosaic: BACKUP_EXISTS: /);
  });

  it('refuses to restore under a running server, even with --force; restores once it stopped, or was killed', async () => {
    const target = folder('served');
    const refused = async () => {
      for (const args of [['restore', backupDir], ['restore', backupDir, '--force']]) {
        const failure = await mosaicFails(embedded(target), ...args);
        expect(failure.code).not.toBe(0);
        expect(failure.stderr).toMatch(/^mosaic: RESTORE_TARGET_IN_USE: .*in use by mosaic serve \(pid \d+\)/);
      }
    };
    const databases = () => readdirSync(target).filter((f) => f.endsWith('.db')).sort();
    let core = await startCoreProcess(embedded(target));
    try {
      await refused();
      expect(databases()).toEqual(['control.db']); // untouched: the server's own, new control plane
      await core.stop();
      expect((await mosaic(embedded(target), 'restore', backupDir, '--force')).out.databases).toBe(2);
      expect(databases()).toEqual(['control.db', `${source.tenantDb}.db`]);

      core = await startCoreProcess(embedded(target));
      await refused();
      await core.kill(); // its mark stays behind, stale
      expect((await mosaic(embedded(target), 'restore', backupDir, '--force')).out.databases).toBe(2);
    } finally {
      await core.stop();
    }
  }, 120_000);
});

describe('mosaic backup and restore on a libsql server (sqld)', () => {
  // About 25 s on a quiet 2-core machine; the limit leaves room for a busy one.
  it('restores the files backup into sqld, backs sqld up while it serves writes, and restores that again', { timeout: 120_000 }, async () => {
    expect(expected360, 'the embedded test ran first').toBeDefined();
    const sqld = await startSqld();
    try {
      const intoServer = await mosaic(sqld.env, 'restore', backupDir);
      console.info(`restore of the demo into sqld: ${intoServer.out.elapsedMs} ms in the command`);
      expect(intoServer.out.secretsKeyNotRestored).toBe(true);
      const core = await startCoreProcess(sqld.env);
      let serverBackup: string;
      try {
        const admin = graphqlClient(core.url, source.adminKey);
        const answer = await admin.gql(CUSTOMER_360, variables);
        expect(answer.errors).toBeUndefined();
        expect(answer.data).toEqual(expected360);

        const writer = startWriter(admin);
        await writer.until(() => writer.acknowledged.length >= 3);
        const started = Date.now();
        serverBackup = folder('from-sqld');
        const backup = await mosaic(sqld.env, 'backup', serverBackup);
        await writer.stop();
        console.info(`backup of the demo from sqld while writing: ${backup.out.elapsedMs} ms in the command; ` +
          `${writer.acknowledged.filter((w) => w.at > started).length} writes acknowledged meanwhile`);
        const again = await mosaicFails(sqld.env, 'restore', serverBackup);
        expect(again.stderr).toMatch(/^mosaic: RESTORE_TARGET_NOT_EMPTY: /);
      } finally {
        await core.stop();
      }

      // A restore failing at its last database (the control plane, whose rows do not match the
      // manifest here) puts back every namespace it had replaced: the writes made on sqld stay.
      const written = await writersOnServer(sqld, source.tenantDb);
      const doctored = variant('doctored', editManifest((m) => { m.databases[0].rows.tenants += 1; }));
      const failed = await mosaicFails(sqld.env, 'restore', doctored, '--force');
      expect(failed.stderr).toMatch(/^mosaic: BACKUP_CORRUPT: control: the rows loaded differ from the manifest/);
      expect(await writersOnServer(sqld, source.tenantDb)).toBe(written);
      expect(written, 'sqld holds writes the backup has not').toBeGreaterThan((await writerCustomers(folder('restored'), source.tenantDb)).length);
      // Into a fresh server, the same failure leaves no namespace behind.
      const fresh = await startSqld();
      try {
        const refused = await mosaicFails(fresh.env, 'restore', doctored);
        expect(refused.stderr).toMatch(/^mosaic: BACKUP_CORRUPT: control: /);
        for (const name of [source.tenantDb, 'control']) {
          expect((await fetch(`${fresh.adminUrl}/v1/namespaces/${name}/config`)).status, name).toBe(404);
        }
      } finally {
        await fresh.stop();
      }

      const fromServer = JSON.parse(readFileSync(join(serverBackup, 'manifest.json'), 'utf8'));
      expect(fromServer.source).toBe('server');
      const restoredDir = folder('restored-from-sqld');
      await mosaic(embedded(restoredDir), 'restore', serverBackup);
      expect(await countFiles(restoredDir, fromServer)).toEqual(manifestCounts(fromServer));
      const restored = await startCoreProcess(embedded(restoredDir));
      try {
        const answer = await graphqlClient(restored.url, source.adminKey).gql(CUSTOMER_360, variables);
        expect(answer.data).toEqual(expected360);
      } finally {
        await restored.stop();
      }
    } finally {
      await sqld.stop();
    }
  });
});
