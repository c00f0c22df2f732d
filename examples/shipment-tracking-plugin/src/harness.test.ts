import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlugin, type BuildResult } from '@mosaic/sdk/build';
import { UserInputError } from '@mosaic/sdk';
import { createTestHarness, HarnessError, type HarnessOptions, type TestHarness } from '@mosaic/sdk/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { order } from './fixtures.js';

// @mosaic/sdk/testing itself, on a small plugin made for it: what holds because the plugin runs
// in the platform's real sandbox (copies, limits, no Node), not in the test's process.

const SOURCE = `
import { definePlugin, UserInputError } from '@mosaic/sdk';
import * as z from 'zod';

export default definePlugin({
  manifest: {
    id: 'acme.probe', version: '1.0.0', name: 'Probe', publisher: 'acme', description: 'Probes the harness.',
    scopes: ['storage', 'cases:write'], egress: ['*.carrier.example'],
  },
  config: z.object({ prefix: z.string().default('#') }),
  schema: \`extend type Order {
    acme_probe_label: String acme_probe_mutates: String acme_probe_short: String acme_probe_customer: String
    acme_probe_seen: Int acme_probe_fetch: Int acme_probe_spin: Int acme_probe_hog: Int acme_probe_globals: [String]
    acme_probe_case: String acme_probe_picky(number: String): String
  }
  extend type Mutation { acme_probe_open_case(customerId: ID!): String }\`,
  resolvers: {
    Order: {
      acme_probe_label: async (orders, _args, ctx) => orders.map((o) => ctx.config.prefix + o.orderNumber),
      acme_probe_mutates: async (orders) => orders.map((o) => ((o.orderStatus = 'CANCELLED'), o.orderStatus)),
      acme_probe_short: async () => [],
      acme_probe_picky: async (orders, args) => {
        if (args.number === undefined) throw new UserInputError('number is required');
        return orders.map((o) => (o.orderStatus === 'PAID' ? new UserInputError(\`\${o.orderNumber} is not shipped yet\`) : 'ok'));
      },
      acme_probe_customer: async (orders, _args, ctx) => Promise.all(orders.map((o) => ctx.customers.get(o.customer.id))),
      acme_probe_seen: async (orders, _args, ctx) => {
        const before = (await ctx.storage.get('seen')) ?? 0;
        await ctx.storage.set('seen', before + orders.length);
        return orders.map(() => before + orders.length);
      },
      acme_probe_fetch: async (orders, args, ctx) => {
        const res = await ctx.fetch(String(args.url));
        return orders.map(() => res.status);
      },
      acme_probe_spin: async () => { for (;;) {} },
      acme_probe_hog: async () => { const hog = []; for (;;) hog.push(new Array(1e5).fill(hog.length)); },
      acme_probe_globals: async (orders) => orders.map(() => [typeof globalThis.process, typeof globalThis.require, typeof globalThis.fetch, typeof globalThis.setTimeout].join()),
      acme_probe_case: async (orders, _args, ctx) => {
        const created = await ctx.cases.create({ customerId: orders[0].customer.id, subject: 'Where is my parcel?' });
        await ctx.emit('case.opened', { caseId: created.id });
        return orders.map(() => created.id);
      },
    },
    Mutation: {
      acme_probe_open_case: async (_root, args, ctx) => {
        const created = await ctx.cases.create({ customerId: String(args.customerId), subject: 'Where is my parcel?' });
        await ctx.emit('case.opened', { caseId: created.id });
        return [created.id];
      },
    },
  },
});
`;

const HERE = fileURLToPath(new URL('..', import.meta.url));
const customer = { id: 'customer-1', name: 'Ada', email: null, phone: null, status: 'ACTIVE' as const, account: null, address: null, mergedInto: null, identities: [], createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z' };
const parents = [order('o1', 'N-1', 'PAID'), order('o2', 'N-2')];

describe('@mosaic/sdk/testing in the isolate', () => {
  let dir: string;
  let built: BuildResult;
  const open: TestHarness[] = [];
  const harness = async (options: HarnessOptions = {}) => {
    const h = await createTestHarness(built, options);
    open.push(h);
    return h;
  };

  beforeAll(async () => {
    // Inside this package, so @mosaic/sdk and zod resolve as they would for an ISV.
    dir = await mkdtemp(join(HERE, '.tmp-probe-'));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'probe', private: true, type: 'module' }));
    await writeFile(join(dir, 'src', 'index.ts'), SOURCE);
    built = await buildPlugin(dir);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('calls a resolver once with every parent and the config after defaults', async () => {
    const h = await harness();
    expect(await h.resolve('Order.acme_probe_label', parents)).toEqual(['#N-1', '#N-2']);
    const custom = await harness({ config: { prefix: 'No. ' } });
    expect(custom.config).toEqual({ prefix: 'No. ' });
    expect(await custom.resolve('Order.acme_probe_label', parents.slice(0, 1))).toEqual(['No. N-1']);
    expect(h.invocations).toEqual([{ entry: 'resolver Order.acme_probe_label', ok: true, metrics: expect.objectContaining({ coldStart: true }), parents }]);
  });

  it('loads a built directory as well', async () => {
    const h = await createTestHarness(join(dir, 'dist'));
    open.push(h);
    expect(await h.resolve('Order.acme_probe_label', parents.slice(0, 1))).toEqual(['#N-1']);
  });

  it('hands over copies, as the bridge does', async () => {
    const h = await harness();
    const mine = [order('o1', 'N-1', 'PAID')];
    expect(await h.resolve('Order.acme_probe_mutates', mine)).toEqual(['CANCELLED']);
    expect(mine[0]?.orderStatus).toBe('PAID');
  });

  // Looked up on globalThis: the bundler shims a bare require inside the bundle itself.
  it('runs without Node: no process, require, fetch or timers in the isolate', async () => {
    const h = await harness();
    expect(await h.resolve('Order.acme_probe_globals', parents.slice(0, 1))).toEqual(['undefined,undefined,undefined,undefined']);
  });

  it('insists on one result per parent, as core does', async () => {
    const h = await harness();
    await expect(h.resolve('Order.acme_probe_short', parents)).rejects.toMatchObject({
      code: 'PLUGIN_FAILED', pluginCode: 'BAD_RESULT', message: 'resolver Order.acme_probe_short returned 0 values for 2 parents',
    });
  });

  it('shows the plugin\'s own UserInputError as core does: BAD_USER_INPUT, thrown or per parent', async () => {
    const h = await harness();
    await expect(h.resolve('Order.acme_probe_picky', parents)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'number is required' });
    const [paid, fresh] = await h.resolve('Order.acme_probe_picky', parents, { number: '1Z' });
    expect(paid).toBeInstanceOf(UserInputError);
    expect(paid).toMatchObject({ code: 'BAD_USER_INPUT', message: 'N-1 is not shipped yet' });
    expect(fresh).toBe('ok');
  });

  it('refuses what the installation was not granted, with core\'s codes', async () => {
    const h = await harness({ data: { customers: [customer] } });
    await expect(h.resolve('Order.acme_probe_customer', parents)).rejects.toMatchObject({ code: 'PLUGIN_FAILED', pluginCode: 'FORBIDDEN' });
    await expect(h.resolve('Order.acme_probe_fetch', parents, { url: 'https://evil.example/x' }))
      .rejects.toMatchObject({ pluginCode: 'EGRESS_HOST_NOT_ALLOWED' });
    const noStorage = await harness({ grantScopes: ['cases:write'] });
    await expect(noStorage.resolve('Order.acme_probe_seen', parents)).rejects.toMatchObject({ pluginCode: 'FORBIDDEN' });
  });

  it('gives granted capabilities working fakes that persist across calls', async () => {
    const h = await harness({
      data: { customers: [customer] },
      fetch: { 'https://api.carrier.example/t': { status: 204 } },
    });
    expect(await h.resolve('Order.acme_probe_seen', parents)).toEqual([2, 2]);
    expect(await h.resolve('Order.acme_probe_seen', parents)).toEqual([4, 4]);
    expect(h.storage.get('seen')).toBe(4);
    expect(await h.resolve('Order.acme_probe_fetch', parents, { url: 'https://api.carrier.example/t' })).toEqual([204, 204]);
    const [caseId] = await h.resolve('Mutation.acme_probe_open_case', [{}], { customerId: 'customer-1' });
    expect(h.data.cases).toEqual([expect.objectContaining({ id: caseId, subject: 'Where is my parcel?', customer: { id: 'customer-1' } })]);
    expect(h.emitted).toEqual([{ type: 'plugin.acme.probe.case.opened', payload: { caseId } }]);
  });

  it('refuses tenant writes where production does: from object fields, and from mutations for a read-only key', async () => {
    const h = await harness({ data: { customers: [customer] } });
    await expect(h.resolve('Order.acme_probe_case', parents.slice(0, 1))).rejects.toMatchObject({
      code: 'PLUGIN_FAILED', message: expect.stringContaining('cases.create was refused'),
    });
    await expect(h.resolve('Mutation.acme_probe_open_case', [{}], { customerId: 'customer-1' }, { callerRole: 'integrator' })).rejects.toMatchObject({
      message: expect.stringContaining('read-only (integrator role)'),
    });
    expect(h.data.cases).toEqual([]);
    expect(h.emitted).toEqual([]);
    // Storage stays writable from a field: it is the plugin's own cache.
    expect(await h.resolve('Order.acme_probe_seen', parents)).toEqual([2, 2]);
  });

  it('stops a plugin that spins past its CPU limit, and keeps serving it afterwards', async () => {
    const h = await harness({ limits: { cpuTimeoutMs: 50 } });
    await expect(h.resolve('Order.acme_probe_spin', parents)).rejects.toMatchObject({ code: 'PLUGIN_TIMEOUT' });
    expect(await h.resolve('Order.acme_probe_label', parents.slice(0, 1))).toEqual(['#N-1']);
  });

  it('stops a plugin that exceeds its memory limit', async () => {
    const h = await harness({ limits: { memoryMb: 16, cpuTimeoutMs: 5_000 } });
    await expect(h.resolve('Order.acme_probe_hog', parents)).rejects.toMatchObject({
      code: 'PLUGIN_FAILED', message: expect.stringMatching(/memory limit of 16 MB|sandbox process crashed/),
    });
  });

  it('names what there is when asked for something missing, and refuses calls once closed', async () => {
    const h = await harness();
    await expect(h.resolve('Order.nope', parents)).rejects.toThrow(/^acme\.probe has no resolver Order\.nope; it has Order\.acme_probe_label, /);
    await expect(h.runAction('nope')).rejects.toThrow('acme.probe has no action nope; it has none');
    await expect(h.renderWidget('nope', {})).rejects.toThrow(HarnessError);
    await h.close();
    await expect(h.resolve('Order.acme_probe_label', parents)).rejects.toThrow('the harness is closed');
  });

  it('accepts a sandbox module passed in, which runs the plugin in a supervisor of its own', async () => {
    // The SDK's own dependency, as a plugin's tests would find it after `npm install`.
    const sandbox = await import('@mosaic/sandbox');
    const h = await harness({ sandbox });
    expect(await h.resolve('Order.acme_probe_label', parents.slice(0, 1))).toEqual(['#N-1']);
  });
});
