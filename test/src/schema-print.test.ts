/**
 * `mosaic schema print` gives the SDL of a tenant's schema as its API serves it — the same schema
 * an integrator key introspects, plugin fields included — and refuses bad input in one coded line.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher } from '../../core/src/plugins/registry/index.js';
import { buildFixture } from '../../core/src/plugins/testing/build-fixture.js';
import { ok } from './fixtures.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { mosaicFromSource } from './mosaic-source.js';

const sorted = (schema: GraphQLSchema) => printSchema(lexicographicSortSchema(schema));

let tp: TestPlatform;
let a: Client & { tenantId: string };
let out: string;
const mosaic = (...args: string[]) => mosaicFromSource(args, { MOSAIC_DATA_DIR: tp.dataDir });

beforeAll(async () => {
  tp = await startTestPlatform();
  out = mkdtempSync(join(tmpdir(), 'mosaic-schema-print-'));
  a = await tp.tenant('print-a');
  await tp.tenant('print-b');
  // Tenant A installs a plugin that adds fields to Customer; tenant B does not.
  const greeter = await buildFixture('greeter', '1.0.0');
  const { publisher, privateKeyPem } = await createPublisher(tp.platform.control.db, { handle: 'acme' });
  ok(await a.gql('mutation($i: PublishPluginVersionInput!) { publishPluginVersion(input: $i) { version { pluginId } } }',
    { i: { publisherId: publisher.id, manifest: greeter.manifest, bundle: greeter.bundle, signature: greeter.sign(privateKeyPem) } }));
  ok(await a.gql('mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { status } } }', {
    i: { pluginId: 'acme.greeter', config: { greeting: 'Hi' }, grantScopes: ['customers:read', 'storage'], grantEgress: ['api.greetings.test'] },
  }));
}, 120_000);
afterAll(async () => {
  await tp?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('mosaic schema print', () => {
  it('prints the schema the tenant\'s integrator key introspects, its plugins\' fields included', async () => {
    const printed = await mosaic('schema', 'print', '--tenant', 'print-a');
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(printed.stdout).toContain('acme_greeter_greeting: String');

    const integrator = await tp.keyFor(a.tenantId, 'integrator');
    const introspected = ok<IntrospectionQuery>(await integrator.gql(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true })));
    expect(sorted(buildSchema(printed.stdout))).toBe(sorted(buildClientSchema(introspected)));

    const other = await mosaic('schema', 'print', '--tenant', 'print-b');
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('type Customer implements Node');
    expect(other.stdout).not.toContain('acme_greeter');
  });

  it('--out writes the SDL to a file and says where; --json says so in one object', async () => {
    const file = join(out, 'print-a.graphql');
    const written = await mosaic('schema', 'print', '--tenant', 'print-a', '--out', file);
    expect(written).toEqual({ code: 0, stdout: `wrote the schema of print-a to ${file}\n`, stderr: '' });
    const sdl = readFileSync(file, 'utf8');
    expect(sdl).toContain('acme_greeter_greeting');
    const json = await mosaic('schema', 'print', '--tenant', 'print-a', '--out', file, '--json');
    expect(JSON.parse(json.stdout)).toEqual({ tenant: 'print-a', out: file, bytes: Buffer.byteLength(sdl) });
  });

  it('an unknown tenant, a missing --tenant or an unwritable --out fail in one coded line and write nothing', async () => {
    const ghostFile = join(out, 'ghost.graphql');
    expect(await mosaic('schema', 'print', '--tenant', 'ghost', '--out', ghostFile))
      .toEqual({ code: 1, stdout: '', stderr: 'mosaic: NOT_FOUND: tenant "ghost" not found\n' });
    expect(existsSync(ghostFile)).toBe(false);
    expect(await mosaic('schema', 'print'))
      .toEqual({ code: 2, stdout: '', stderr: 'mosaic: BAD_USER_INPUT: usage: mosaic schema print --tenant <slug> [--out file] [--json]\n' });
    expect(await mosaic('schema', 'dump', '--tenant', 'print-a')).toMatchObject({ code: 2, stdout: '' });
    const nowhere = join(out, 'missing-folder', 'schema.graphql');
    const unwritable = await mosaic('schema', 'print', '--tenant', 'print-a', '--out', nowhere);
    expect(unwritable).toMatchObject({ code: 2, stdout: '' });
    expect(unwritable.stderr).toMatch(/^mosaic: BAD_USER_INPUT: cannot write --out: ENOENT: no such file or directory, open '.*missing-folder\/schema\.graphql'\n$/);
  });
});
