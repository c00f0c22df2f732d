import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, type BuildResult } from './build.js';
import { loadPlugin } from './test-bundle.js';
import { createTestHarness, HarnessError } from './testing.js';

// What can be checked without starting a sandbox; examples/shipment-tracking-plugin runs the
// harness itself, in the isolate, as a plugin package would.

const ZOD = dirname(fileURLToPath(import.meta.resolve('zod/package.json')));

const SOURCE = `
import { definePlugin } from '@mosaic/sdk';
import * as z from 'zod';
export default definePlugin({
  manifest: {
    id: 'acme.harness', version: '1.0.0', name: 'Harness', publisher: 'acme', description: 'Harness checks.',
    scopes: ['storage'], egress: ['api.example.com'], secrets: [{ name: 'TOKEN', description: 'API token' }],
  },
  config: z.object({ label: z.string().min(2).default('hi'), limit: z.int().min(1).default(3) }),
  schema: 'extend type Customer { acme_harness_label: String }',
  resolvers: { Customer: { acme_harness_label: async (cs, _a, ctx) => cs.map(() => ctx.config.label) } },
  actions: { ping: async () => ({ message: 'pong' }) },
  widgets: [{ id: 'label', extensionPoint: 'console.customer.sidebar', title: 'Label',
    render: async ({ customer }) => ({ type: 'text', text: customer.name }) }],
});
`;

describe('harness setup', () => {
  let root: string;
  let project: string;
  let built: BuildResult;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mosaic-harness-test-'));
    project = join(root, 'plugin');
    await mkdir(join(project, 'src'), { recursive: true });
    await mkdir(join(project, 'node_modules'));
    await symlink(ZOD, join(project, 'node_modules', 'zod'));
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'harness', type: 'module' }));
    await writeFile(join(project, 'src', 'index.ts'), SOURCE);
    built = await buildPlugin(project);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('loads a project (built afresh), a built directory, or a build result', async () => {
    const fromProject = await loadPlugin(project);
    expect(fromProject.manifest.id).toBe('acme.harness');
    expect(fromProject.code).toBe(built.code);
    expect((await loadPlugin(join(project, 'dist'))).manifest).toEqual(built.manifest);
    expect((await loadPlugin(built)).code).toBe(built.code);
  });

  it('refuses a bundle its manifest does not describe, and a directory that is neither', async () => {
    await expect(loadPlugin({ code: `${built.code}//tampered`, manifest: built.manifest })).rejects.toThrow("the bundle does not match its manifest's sha256");
    await expect(loadPlugin({ code: built.code, manifest: { ...built.manifest, id: 'Bad' } })).rejects.toThrow(HarnessError);
    await expect(loadPlugin(root)).rejects.toThrow('neither a plugin project');
  });

  it('checks config, grants and secrets as the installer does, before starting a sandbox', async () => {
    await expect(createTestHarness(built, { config: { label: 'x', limit: 0 } }))
      .rejects.toThrow(/^invalid config: config\.label: .*; config\.limit: /);
    await expect(createTestHarness(built, { grantScopes: ['storage', 'orders:read'] })).rejects.toThrow('acme.harness@1.0.0 does not ask for orders:read');
    await expect(createTestHarness(built, { grantEgress: ['evil.example'] })).rejects.toThrow('does not ask for evil.example');
    await expect(createTestHarness(built, { secrets: { OTHER: 'x' } })).rejects.toThrow('acme.harness declares no secret named OTHER');
  });
});
