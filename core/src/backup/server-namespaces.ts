import type { DatabaseConfig } from '../db/config.js';

type ServerConfig = Extract<DatabaseConfig, { kind: 'server' }>;

/** Whether the libsql server has namespace `name` (its admin API answers 404 for one it has not). */
export async function namespaceExists(config: ServerConfig, name: string): Promise<boolean> {
  const res = await fetch(new URL(`/v1/namespaces/${encodeURIComponent(name)}/config`, config.adminUrl));
  await res.body?.cancel();
  if (res.status === 404) return false;
  if (!res.ok) throw new Error(`libsql server answered ${res.status} for namespace ${name}`);
  return true;
}

/** Deletes a namespace (a restore's rollback of one it created). */
export async function deleteNamespace(config: ServerConfig, name: string): Promise<void> {
  const res = await fetch(new URL(`/v1/namespaces/${encodeURIComponent(name)}`, config.adminUrl), { method: 'DELETE' });
  await res.body?.cancel();
  if (!res.ok && res.status !== 404) throw new Error(`libsql server refused to delete namespace ${name}: ${res.status}`);
}
