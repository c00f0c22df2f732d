/**
 * The integrator's typed client (examples/integrator-client) end to end: graphql-codegen reads a
 * seeded tenant's schema over HTTP with the integrator key and from `mosaic schema print`, the
 * client compiles with `tsc --strict`, and it runs against a real server on loopback.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '@mosaic/core';
import { ok } from './fixtures.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { mosaicFromSource, runCommand } from './mosaic-source.js';

const require = createRequire(import.meta.url);
const EXAMPLE = fileURLToPath(new URL('../../examples/integrator-client/', import.meta.url));
/** Where the example's own commands write; gitignored, like a person's checkout. */
const GENERATED = join(EXAMPLE, 'src', 'gql');
const CODEGEN = join(EXAMPLE, 'node_modules', '.bin', 'graphql-codegen');
const TSC = require.resolve('typescript/bin/tsc');

let tp: TestPlatform;
let admin: Client & { tenantId: string };
let integrator: Client;
let agent: Client;
let work: string;

/**
 * Runs a command in the example's folder as a person's shell would (without vitest's
 * NODE_ENV=test, under which codegen prints nothing).
 */
function inExample(file: string, args: string[], env: Record<string, string> = {}) {
  const { NODE_ENV: _, ...shell } = process.env;
  return runCommand(file, args, { cwd: EXAMPLE, env: { ...shell, ...env } });
}

const codegen = (env: Record<string, string>) => inExample(CODEGEN, ['--config', 'codegen.ts'], env);
const client = (apiKey: string, ...args: string[]) =>
  inExample(process.execPath, ['--import', 'tsx', 'src/main.ts', '--customers', '20', '--page-size', '5', '--status', 'CLOSED', ...args], { MOSAIC_URL: tp.server.url, MOSAIC_API_KEY: apiKey });
const filesOf = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const closedCaseIds = async () => ok(await admin.gql('{ cases(first: 100, filter: { status: CLOSED }) { edges { node { id } } } }'))
  .cases.edges.map((e: { node: { id: string } }) => e.node.id);

beforeAll(async () => {
  tp = await startTestPlatform();
  work = mkdtempSync(join(tmpdir(), 'mosaic-typed-client-'));
  admin = await tp.tenant('integrator-co');
  await seedTenant(await tp.platform.tenants.get(admin.tenantId), { customers: 200, interactionsPerCustomer: 3, seed: 11 });
  integrator = await tp.keyFor(admin.tenantId, 'integrator');
  agent = await tp.keyFor(admin.tenantId, 'agent');
}, 120_000);
afterAll(async () => {
  await tp?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('an integrator\'s typed client', () => {
  it('codegen gets the same types over HTTP with the integrator key as from `mosaic schema print`', async () => {
    const overHttp = join(work, 'gql-over-http');
    expect(await codegen({ MOSAIC_URL: tp.server.url, MOSAIC_API_KEY: integrator.apiKey, MOSAIC_GQL_DIR: `${overHttp}/` })).toMatchObject({ code: 0 });

    const schemaFile = join(work, 'integrator-co.graphql');
    expect(await mosaicFromSource(['schema', 'print', '--tenant', 'integrator-co', '--out', schemaFile], { MOSAIC_DATA_DIR: tp.dataDir }))
      .toMatchObject({ code: 0 });
    rmSync(GENERATED, { recursive: true, force: true });
    expect(await codegen({ MOSAIC_SCHEMA_FILE: schemaFile })).toMatchObject({ code: 0 });

    const generated = filesOf(GENERATED);
    expect(Object.keys(generated)).toEqual(['gql.ts', 'graphql.ts', 'index.ts']);
    expect(generated['graphql.ts']).toContain('export type Customer360Query');
    expect(filesOf(overHttp)).toEqual(generated);
  });

  it('an agent key cannot introspect, and codegen says which roles may', async () => {
    const refused = await codegen({ MOSAIC_URL: tp.server.url, MOSAIC_API_KEY: agent.apiKey, MOSAIC_GQL_DIR: `${join(work, 'refused')}/` });
    expect(refused.code).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toContain('introspection is open to admin and integrator API keys');
  });

  it('compiles with tsc --strict', async () => {
    const compiled = await inExample(process.execPath, [TSC, '--strict', '--noEmit', '-p', 'tsconfig.json']);
    expect(compiled, compiled.stdout).toMatchObject({ code: 0, stdout: '' });
  });

  it('reads the 360 and pages through closed cases with the integrator key; createCase is refused', async () => {
    const closed = await closedCaseIds();
    const read = await client(integrator.apiKey);
    expect(read, read.stderr).toMatchObject({ code: 0, stderr: '' });
    const out = JSON.parse(read.stdout);

    expect(out.customers).toHaveLength(20);
    const timeline = out.customers.flatMap((c: { timeline: { type: string; summary: string }[] }) => c.timeline);
    expect(new Set(timeline.map((t: { type: string }) => t.type))).toEqual(new Set(['Interaction', 'Case', 'Order']));
    for (const item of timeline) expect(item.summary).toMatch(/^(INBOUND|OUTBOUND) |^case #\d+ |^order \S+ /);
    // the client stops after three pages of five, in the server's order, every one CLOSED
    expect(closed.length).toBeGreaterThan(15);
    expect(out.cases).toMatchObject({ status: 'CLOSED', total: closed.length, pages: 3 });
    expect(out.cases.cases.map((c: { id: string }) => c.id)).toEqual(closed.slice(0, 15));
    expect(out.cases.cases.every((c: { status: string }) => c.status === 'CLOSED')).toBe(true);
    expect(out.created).toBeNull();

    const write = await client(integrator.apiKey, '--create-case', 'From the read-only key');
    expect(write).toMatchObject({ code: 1, stdout: '', stderr: 'integrator-client: FORBIDDEN: this API key is read-only (integrator role)\n' });
    expect(ok(await admin.gql('{ cases(first: 100) { edges { node { subject } } } }')).cases.edges
      .filter((e: { node: { subject: string } }) => e.node.subject === 'From the read-only key')).toEqual([]);
  });

  it('creates a case with an agent key, for the first customer of the 360', async () => {
    const res = await client(agent.apiKey, '--create-case', 'Refund for a damaged parcel');
    expect(res, res.stderr).toMatchObject({ code: 0, stderr: '' });
    const out = JSON.parse(res.stdout);
    expect(out.created).toMatchObject({ subject: 'Refund for a damaged parcel', status: 'NEW', priority: 'HIGH', customer: { id: out.customers[0].id } });
    const stored = ok(await admin.gql('query($id: ID!) { case(id: $id) { subject priority channel customer { id } } }', { id: out.created.id })).case;
    expect(stored).toEqual({ subject: 'Refund for a damaged parcel', priority: 'HIGH', channel: 'EMAIL', customer: { id: out.customers[0].id } });
  });
});
