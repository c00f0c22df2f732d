import { execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { toGlobalId } from '../lib/ids.js';
import { createBaseSchema } from './schema.js';

const schema = createBaseSchema();
const installationId = toGlobalId('PluginInstallation', '0190a6f2-7c1e-7000-8000-000000000001');

/** Runs `query` as a caller of `role` on a server without plugins; no resolver here reaches a database. */
const run = (query: string, role: 'admin' | 'agent') => execute({
  schema,
  document: parse(query),
  variableValues: { id: installationId },
  contextValue: { tenant: { role, tenantId: 't1', tenantSlug: 't1' }, requestId: 'r1' },
});

describe('node(id:) for a plugin installation on a server without plugins', () => {
  it('is NOT_FOUND for an admin, as for any installation that does not exist', async () => {
    const res = await run('query($id: ID!) { node(id: $id) { id } }', 'admin');
    expect(res.data).toEqual({ node: null });
    expect(res.errors?.map((e) => [e.message, e.originalError && (e.originalError as { code?: string }).code])).toEqual([['Node not found', 'NOT_FOUND']]);
  });

  it('is null in place in nodes(ids:)', async () => {
    const res = await run('query($id: ID!) { nodes(ids: [$id, $id]) { id } }', 'admin');
    expect(res).toEqual({ data: { nodes: [null, null] } });
  });

  it('is FORBIDDEN for any other role, whether or not the installation exists', async () => {
    const res = await run('query($id: ID!) { node(id: $id) { id } }', 'agent');
    expect(res.errors?.map((e) => (e.originalError as { code?: string }).code)).toEqual(['FORBIDDEN']);
  });
});
