import { readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { manifestInputSchema } from './manifest.js';
import { pluginNamespace } from './namespace.js';

// package.json is one level up from both src/ and dist/.
const SDK_PACKAGE = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
  dependencies: { zod: string };
};

/**
 * Writes a working plugin project into `dir` (which must be empty or missing): a resolver adding
 * a namespaced field to Customer, a widget, and a test that runs them in the isolate harness. `id` is the plugin id, `publisher.name`.
 */
export async function scaffoldPlugin(dir: string, id: string): Promise<string[]> {
  const valid = manifestInputSchema.shape.id.safeParse(id);
  if (!valid.success) throw new Error(`Plugin id ${JSON.stringify(id)} ${valid.error.issues[0]?.message}`);
  const existing = await readdir(dir).catch(() => []);
  if (existing.length) throw new Error(`${dir} is not empty; scaffold into a new directory`);

  const files = templates(id);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return Object.keys(files);
}

function templates(id: string): Record<string, string> {
  const [publisher = '', name = ''] = id.split('.');
  const field = `${pluginNamespace(id).field}greeting`;
  const title = name.split('-').map((w) => w[0]?.toUpperCase() + w.slice(1)).join(' ');
  return {
    'package.json': `${JSON.stringify({
      name: id,
      version: '0.1.0',
      private: true,
      type: 'module',
      mosaic: { entry: 'src/index.ts' },
      scripts: { build: 'mosaic-plugin build', test: 'vitest run', typecheck: 'tsc --noEmit' },
      // The zod the SDK is built with, so the config schema's types agree with definePlugin's.
      dependencies: { '@mosaic/sdk': `^${SDK_PACKAGE.version}`, zod: SDK_PACKAGE.dependencies.zod },
      devDependencies: { typescript: '~5.9.3', vitest: '^4.1.12' },
    }, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        // No DOM and no Node: the isolate a plugin runs in has neither.
        lib: ['ES2022'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        verbatimModuleSyntax: true,
      },
      include: ['src'],
    }, null, 2)}\n`,
    '.gitignore': 'node_modules/\ndist/\n',
    'src/index.ts': `import { definePlugin, graphql } from '@mosaic/sdk';
import * as z from 'zod';

export default definePlugin({
  manifest: {
    id: '${id}',
    version: '0.1.0',
    name: '${title}',
    publisher: '${publisher}',
    description: 'Greets customers by name.',
    // What the plugin may read; the tenant's admin grants it at install.
    scopes: ['customers:read'],
  },
  config: z.object({
    greeting: z.string().min(1).default('Hello').describe('How each greeting starts'),
  }),
  // Fields added to core types carry the plugin's prefix, so plugins never collide.
  schema: /* GraphQL */ \`
    extend type Customer {
      "A greeting for this customer."
      ${field}: String!
    }
  \`,
  // What the field reads of each customer: Mosaic sends exactly this, and types it.
  inputs: {
    Customer: { ${field}: graphql(\`fragment GreetingInput on Customer { name }\`) },
  },
  resolvers: {
    Customer: {
      // Called once with every customer in the response, not once per customer.
      ${field}: async (customers, _args, ctx) =>
        customers.map((customer) => \`\${ctx.config.greeting}, \${customer.name}!\`),
    },
  },
  widgets: [
    {
      id: 'greeting',
      extensionPoint: 'console.customer.sidebar',
      title: '${title}',
      render: async ({ customer }, ctx) => ({
        type: 'card',
        title: '${title}',
        children: [{ type: 'text', text: \`\${ctx.config.greeting}, \${customer.name}!\` }],
      }),
    },
  ],
});
`,
    'src/index.test.ts': `import type { Customer } from '@mosaic/sdk';
import { createTestHarness, type TestHarness } from '@mosaic/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The plugin's directory (npm test runs in it): the harness builds the plugin and runs the
// bundle in Mosaic's real sandbox, an isolate with the limits it has in production.
const PLUGIN_DIR = '.';

const customer = (id: string, name: string): Customer => ({
  id,
  name,
  email: null,
  phone: null,
  status: 'ACTIVE',
  account: null,
  address: null,
  mergedInto: null,
  identities: [],
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
});

describe('${title}', () => {
  let harness: TestHarness;
  beforeAll(async () => {
    harness = await createTestHarness(PLUGIN_DIR, { config: { greeting: 'Hi' } });
  });
  afterAll(() => harness?.close());

  it('greets every customer in the batch, in one call into the sandbox', async () => {
    const parents = [customer('c1', 'Ada'), customer('c2', 'Lin')];
    expect(await harness.resolve('Customer.${field}', parents)).toEqual(['Hi, Ada!', 'Hi, Lin!']);
    expect(harness.invocations).toHaveLength(1);
    // Only what the declared input selects reaches the plugin.
    expect(harness.invocations[0]?.parents).toEqual([{ name: 'Ada' }, { name: 'Lin' }]);
  });

  it('falls back to the default greeting', async () => {
    const defaults = await createTestHarness(PLUGIN_DIR);
    try {
      expect(await defaults.resolve('Customer.${field}', [customer('c1', 'Ada')])).toEqual(['Hello, Ada!']);
    } finally {
      await defaults.close();
    }
  });

  it('renders its widget', async () => {
    expect(await harness.renderWidget('greeting', { customer: customer('c1', 'Ada') })).toEqual({
      type: 'card',
      title: '${title}',
      children: [{ type: 'text', text: 'Hi, Ada!' }],
    });
  });
});
`,
  };
}
