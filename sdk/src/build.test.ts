import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, PluginBuildError, type BuildResult } from './build.js';
import { parseManifest } from './manifest.js';

const dirs: string[] = [];
const ZOD = dirname(fileURLToPath(import.meta.resolve('zod/package.json')));

/** A plugin project in a fresh temp dir, from file path → text, with zod installed. */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mosaic-plugin-'));
  dirs.push(dir);
  await mkdir(join(dir, 'node_modules'));
  await symlink(ZOD, join(dir, 'node_modules', 'zod'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function buildProblems(dir: string): Promise<string[]> {
  const err = await buildPlugin(dir).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PluginBuildError);
  return (err as PluginBuildError).problems;
}

const manifest = {
  id: 'acme.shipment-tracking',
  version: '1.2.0',
  name: 'Shipment tracking',
  publisher: 'acme',
  description: 'Shows where an order is.',
  scopes: ['orders:read', 'storage'],
  egress: ['api.carrier.example'],
  secrets: [
    { name: 'CARRIER_API_KEY', description: 'Key for the carrier API' },
    { name: 'CARRIER_SIGNING_SECRET', description: 'Signs carrier callbacks' },
  ],
  webhooks: [{ name: 'carrier-update', secret: 'CARRIER_SIGNING_SECRET' }],
};

const fixture = {
  'package.json': JSON.stringify({ name: 'shipment-tracking', type: 'module', mosaic: { entry: 'src/plugin.ts' } }),
  'src/eta.ts': 'export const formatEta = (days: number): string => `${days} days`;\n',
  'src/plugin.ts': `
import { definePlugin } from '@mosaic/sdk';
import * as z from 'zod';
import { formatEta } from './eta.js';

export default definePlugin({
  manifest: ${JSON.stringify(manifest)},
  config: z.object({
    carrier: z.enum(['parcelly', 'shipfast']).describe('Carrier the shop uses'),
    days: z.int().min(1).default(3),
  }),
  schema: \`
    type Acme_ShipmentTracking_Tracking { carrier: String! eta: String! }
    extend type Order { acme_shipmentTracking_tracking: Acme_ShipmentTracking_Tracking }
  \`,
  resolvers: {
    Order: {
      acme_shipmentTracking_tracking: async (orders, _args, ctx) =>
        orders.map((o) => (o.orderStatus === 'SHIPPED' ? { carrier: ctx.config.carrier, eta: formatEta(ctx.config.days) } : null)),
    },
  },
  events: {
    'order.created': async (event, ctx) => { await ctx.storage.set('seen:' + event.subjectId, true); },
  },
  actions: {
    refreshTracking: async (_input, ctx) => {
      const res = await ctx.fetch('https://api.carrier.example/track', { headers: { authorization: 'Bearer {{secret:CARRIER_API_KEY}}' } });
      return { message: 'carrier answered ' + res.status };
    },
  },
  webhooks: { 'carrier-update': async () => ({ status: 202 }) },
  widgets: [{
    id: 'tracking',
    extensionPoint: 'portal.order.detail',
    title: 'Tracking',
    render: async ({ order }) => ({
      type: 'card',
      children: [
        { type: 'text', text: order.orderNumber },
        { type: 'button', label: 'Refresh', action: 'refreshTracking', input: { orderId: order.id } },
      ],
    }),
  }],
});
`,
};

describe('buildPlugin', () => {
  let dir: string;
  let built: BuildResult;
  beforeAll(async () => {
    dir = await project(fixture);
    built = await buildPlugin(dir);
  });
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('writes one classic script and its manifest, nothing else', async () => {
    expect(built.pluginFile).toBe(join(dir, 'dist', 'plugin.js'));
    expect(built.manifestFile).toBe(join(dir, 'dist', 'manifest.json'));
    expect((await readdir(join(dir, 'dist'))).sort()).toEqual(['manifest.json', 'plugin.js']);
    expect(await readFile(built.pluginFile, 'utf8')).toBe(built.code);
    expect(() => new vm.Script(built.code)).not.toThrow(); // no import/export: not a module
    expect(built.code).not.toContain('require(');
    expect(built.code.trimEnd()).toMatch(/globalThis\.mosaicPlugin = \w+;\n\}\)\(\);$/);
  });

  it('bundles only the small runtime half of the SDK', async () => {
    expect(built.code).not.toMatch(/SEMVER_SPEC_VERSION|GraphQLSchema|esbuild|pluginManifestSchema/);
    const bare = await project({
      'src/index.ts': `import { definePlugin } from '@mosaic/sdk';\nexport default definePlugin({ manifest: ${JSON.stringify(manifest)}, webhooks: { 'carrier-update': async () => {} } });\n`,
    });
    expect((await buildPlugin(bare)).code.length).toBeLessThan(6_000);
  });

  it('gives a bundle that, evaluated, hands the sandbox a working plugin', async () => {
    const context = vm.createContext({});
    vm.runInContext(built.code, context);
    const plugin = context.mosaicPlugin;
    const ctx = { config: { carrier: 'parcelly', days: 2 } };
    const results = await plugin.resolvers.Order.acme_shipmentTracking_tracking([{ orderStatus: 'SHIPPED' }, { orderStatus: 'PAID' }], {}, ctx);
    expect(JSON.parse(JSON.stringify(results))).toEqual([{ carrier: 'parcelly', eta: '2 days' }, null]);
    const tree = await plugin.widgets.tracking.render({ order: { id: 'o1', orderNumber: 'A-1' } }, ctx);
    expect(tree.children[1]).toMatchObject({ type: 'button', action: 'refreshTracking' });
    expect(Object.keys(plugin)).toEqual(['manifest', 'config', 'schema', 'resolvers', 'inputs', 'events', 'actions', 'webhooks', 'widgets']);
  });

  it('records the hash of the file it wrote', async () => {
    const sha256 = createHash('sha256').update(await readFile(built.pluginFile)).digest('hex');
    expect(built.manifest.bundle).toEqual({ file: 'plugin.js', sha256 });
  });

  it('writes a manifest.json the registry can parse, with what the code declares', async () => {
    const written = JSON.parse(await readFile(built.manifestFile, 'utf8'));
    expect(parseManifest(written)).toEqual(built.manifest);
    expect(written).toMatchObject({
      ...manifest,
      sdkApiVersion: 1,
      events: ['order.created'],
      actions: ['refreshTracking'],
      resolvers: ['Order.acme_shipmentTracking_tracking'],
      widgets: [{ id: 'tracking', extensionPoint: 'portal.order.detail', title: 'Tracking' }],
      extensionPoints: ['portal.order.detail'],
      schema: expect.stringContaining('extend type Order { acme_shipmentTracking_tracking'),
    });
    // The install form's schema: `days` has a default, so only `carrier` is required.
    expect(written.configSchema).toMatchObject({
      type: 'object',
      properties: {
        carrier: { type: 'string', enum: ['parcelly', 'shipfast'], description: 'Carrier the shop uses' },
        days: { type: 'integer', minimum: 1, default: 3 },
      },
      required: ['carrier'],
    });
  });

  it('writes to another outDir when asked', async () => {
    const other = await buildPlugin(dir, { outDir: 'out/bundle' });
    expect(other.pluginFile).toBe(join(dir, 'out', 'bundle', 'plugin.js'));
    expect(other.manifest.bundle.sha256).toBe(built.manifest.bundle.sha256);
  });

  it.each([
    ['node:fs', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;"],
    ['fs', "import { readFileSync } from 'fs';\nexport const read = readFileSync;"],
    ['crypto', "export { createHash } from 'crypto';"],
  ])('fails, saying where and why, when plugin code imports %s', async (name, helper) => {
    const dir = await project({ ...fixture, 'src/eta.ts': `${helper}\nexport const formatEta = (d: number) => String(d);\n` });
    expect(await buildProblems(dir)).toEqual([
      expect.stringMatching(new RegExp(`^src/eta\\.ts:1:\\d+: plugin code cannot import the Node builtin "${name}": plugins run in an isolate without Node APIs`)),
    ]);
  });

  it('fails when plugin code imports a Node-side part of the SDK', async () => {
    const dir = await project({ 'src/index.ts': "import { buildPlugin } from '@mosaic/sdk/build';\nexport default buildPlugin;\n" });
    expect(await buildProblems(dir)).toEqual([
      expect.stringContaining('src/index.ts:1:29: plugin code can import "@mosaic/sdk" but not "@mosaic/sdk/build"'),
    ]);
  });

  it('fails on an invalid manifest, listing each problem', async () => {
    const bad = fixture['src/plugin.ts'].replace('"version":"1.2.0"', '"version":"1.2"').replace('"storage"', '"everything"');
    expect(await buildProblems(await project({ ...fixture, 'src/plugin.ts': bad }))).toEqual([
      'manifest.version: must be a semver version such as 1.2.0',
      expect.stringMatching(/^manifest\.scopes\[1\]: Invalid option/),
    ]);
  });

  it.each([
    ['0x7f000001', '127.0.0.1'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['0x0', '0.0.0.0'],
    ['127.0.0.0x1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
  ])('fails on an egress host %j that is the IP address %s written another way, writing nothing', async (entry, canonical) => {
    const bad = fixture['src/plugin.ts'].replace('"egress":["api.carrier.example"]', `"egress":["api.carrier.example","${entry}"]`);
    const dir = await project({ ...fixture, 'src/plugin.ts': bad });
    expect(await buildProblems(dir)).toEqual([
      `manifest.egress[1]: '${entry}' is the IP address ${canonical} written another way; write an IP address in its canonical form, ${canonical}`,
    ]);
    expect(await readdir(dir)).not.toContain('dist');
  });

  it('writes egress hosts in canonical form', async () => {
    const spelled = fixture['src/plugin.ts'].replace('"egress":["api.carrier.example"]', '"egress":["API.Carrier.Example.","Bücher.example"]');
    const built = await buildPlugin(await project({ ...fixture, 'src/plugin.ts': spelled }));
    const written = JSON.parse(await readFile(built.manifestFile, 'utf8')) as { egress: string[] };
    expect(written.egress).toEqual(['api.carrier.example', 'xn--bcher-kva.example']);
  });

  it('fails on SDL that leaves the namespace or lacks a resolver', async () => {
    const bad = fixture['src/plugin.ts'].replace('Order { acme_shipmentTracking_tracking: Acme_ShipmentTracking_Tracking }', 'Order { acme_shipmentTracking_tracking: Acme_ShipmentTracking_Tracking eta: String }');
    expect(await buildProblems(await project({ ...fixture, 'src/plugin.ts': bad }))).toEqual([
      'schema: Order.eta: fields added to core types must start with acme_shipmentTracking_',
    ]);
  });

  it('warns when a core-type field takes whole parents, and prints a declared input into the manifest', async () => {
    expect(built.manifest.inputs).toEqual({});
    expect(built.warnings).toEqual([
      'resolvers.Order.acme_shipmentTracking_tracking declares no input, so it receives whole Order parents: declare what it reads in inputs.Order (graphql(`fragment … on Order { … }`))',
    ]);
    const declared = fixture['src/plugin.ts']
      .replace("import { definePlugin } from '@mosaic/sdk';", "import { definePlugin, graphql } from '@mosaic/sdk';")
      .replace('  resolvers: {', '  inputs: { Order: { acme_shipmentTracking_tracking: graphql(`fragment TrackingInput on Order { orderStatus }`) } },\n  resolvers: {');
    const result = await buildPlugin(await project({ ...fixture, 'src/plugin.ts': declared }));
    expect(result.warnings).toEqual([]);
    expect(result.manifest.inputs).toEqual({ 'Order.acme_shipmentTracking_tracking': 'fragment TrackingInput on Order {\n  orderStatus\n}' });
  });

  it('writes storage inputs into the manifest, and fails on one that names a field the input does not select', async () => {
    const withKeys = (keys: string) => fixture['src/plugin.ts']
      .replace("import { definePlugin } from '@mosaic/sdk';", "import { definePlugin, graphql } from '@mosaic/sdk';")
      .replace('  resolvers: {', `  inputs: { Order: { acme_shipmentTracking_tracking: graphql(\`fragment TrackingInput on Order { id orderStatus }\`) } },\n  storageInputs: { Order: { acme_shipmentTracking_tracking: ${keys} } },\n  resolvers: {`);
    const result = await buildPlugin(await project({ ...fixture, 'src/plugin.ts': withKeys("['tracking:{id}', 'carriers']") }));
    expect(result.manifest.storageInputs).toEqual({ 'Order.acme_shipmentTracking_tracking': ['tracking:{id}', 'carriers'] });
    expect(await buildProblems(await project({ ...fixture, 'src/plugin.ts': withKeys("['tracking:{orderNumber}']") }))).toEqual([
      'storageInputs.Order.acme_shipmentTracking_tracking: "tracking:{orderNumber}" names {orderNumber}, which is not a top-level scalar field of the declared input',
    ]);
  });

  it('writes how long a field\'s result may be kept into the manifest, and refuses it without a declared input or past 300 s', async () => {
    const withCache = (inputs: string, seconds: number) => fixture['src/plugin.ts']
      .replace("import { definePlugin } from '@mosaic/sdk';", "import { definePlugin, graphql } from '@mosaic/sdk';")
      .replace('  resolvers: {', `  ${inputs}\n  resultCache: { Order: { acme_shipmentTracking_tracking: { maxAgeSeconds: ${seconds} } } },\n  resolvers: {`);
    const declared = 'inputs: { Order: { acme_shipmentTracking_tracking: graphql(`fragment TrackingInput on Order { id }`) } },';
    const result = await buildPlugin(await project({ ...fixture, 'src/plugin.ts': withCache(declared, 30) }));
    expect(result.manifest.resultCache).toEqual({ 'Order.acme_shipmentTracking_tracking': { maxAgeSeconds: 30 } });
    expect(await buildProblems(await project({ ...fixture, 'src/plugin.ts': withCache('', 30) }))).toEqual([
      'resultCache.Order.acme_shipmentTracking_tracking: only a field with a declared input (inputs.Order.acme_shipmentTracking_tracking) can have its result kept',
    ]);
    expect((await buildProblems(await project({ ...fixture, 'src/plugin.ts': withCache(declared, 301) }))).join('\n')).toMatch(/resultCache.*maxAgeSeconds/);
  });

  it('prints a console widget\'s input into the manifest, and refuses one on a portal widget', async () => {
    const withWidgetInput = (point: string) => fixture['src/plugin.ts']
      .replace("import { definePlugin } from '@mosaic/sdk';", "import { definePlugin, graphql } from '@mosaic/sdk';")
      .replace("extensionPoint: 'portal.order.detail',", `extensionPoint: '${point}',\n    input: graphql(\`fragment TrackingWidgetInput on Order { orderNumber }\`),`);
    const result = await buildPlugin(await project({ ...fixture, 'src/plugin.ts': withWidgetInput('console.order.sidebar') }));
    expect(result.manifest.widgetInputs).toEqual({ tracking: 'fragment TrackingWidgetInput on Order {\n  orderNumber\n}' });
    expect(await buildProblems(await project({ ...fixture, 'src/plugin.ts': withWidgetInput('portal.order.detail') }))).toEqual([
      'widgets.tracking.input: portal.order.detail widgets cannot declare an input; a portal widget reads through ctx, which keeps a signed-in customer to their own records',
    ]);
  });

  it('fails on a declared input that names an unknown field or needs a scope the manifest does not request', async () => {
    const withInput = (selection: string) => fixture['src/plugin.ts']
      .replace("import { definePlugin } from '@mosaic/sdk';", "import { definePlugin, graphql } from '@mosaic/sdk';")
      .replace('  resolvers: {', `  inputs: { Order: { acme_shipmentTracking_tracking: graphql(\`fragment TrackingInput on Order { ${selection} }\`) } },\n  resolvers: {`);
    expect(await buildProblems(await project({ ...fixture, 'src/plugin.ts': withInput('orderStatus shippedAt') }))).toEqual([
      'inputs.Order.acme_shipmentTracking_tracking: Cannot query field "shippedAt" on type "Order".',
    ]);
    expect(await buildProblems(await project({ ...fixture, 'src/plugin.ts': withInput('customer { email }') }))).toEqual([
      "inputs.Order.acme_shipmentTracking_tracking: the selection reads data the 'customers:read' scope covers, which the manifest does not request (add it to manifest.scopes)",
    ]);
  });

  it('fails when the entry does not load in a bare isolate-like context', async () => {
    const timers = await project({ 'src/index.ts': 'setTimeout(() => {}, 10);\nexport default {};\n' });
    expect(await buildProblems(timers)).toEqual(['the plugin failed while loading: setTimeout is not defined']);
    const notAPlugin = await project({ 'src/index.ts': 'export default { manifest: {} };\n' });
    expect(await buildProblems(notAPlugin)).toEqual(['the entry must `export default definePlugin({ ... })`']);
  });
});
