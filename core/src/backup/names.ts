import { tenantDatabaseName } from '../db/tenant-db.js';

/** The control plane's database name (see db/control.ts). */
export const CONTROL_DATABASE = 'control';

/**
 * Every database name a backup may hold: the control plane, or `t_` and a tenant id's 32 hex
 * digits (db/tenant-db.ts). Names become file names and namespace names, so nothing else passes.
 */
const DATABASE_NAME = /^(control|t_[0-9a-f]{32})$/;
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type DatabaseKind = 'control' | 'tenant';

export const isDatabaseName = (name: string): boolean => DATABASE_NAME.test(name);

export const kindOf = (name: string): DatabaseKind => (name === CONTROL_DATABASE ? 'control' : 'tenant');

/** A tenant id read from a control-plane snapshot becomes a database name only if it is a uuid. */
export function tenantDatabaseNameOf(tenantId: string): string {
  if (!TENANT_ID.test(tenantId)) throw new Error(`the control plane lists a tenant id that is no uuid: ${JSON.stringify(tenantId.slice(0, 60))}`);
  return tenantDatabaseName(tenantId);
}

/** The file a database is kept in, inside a backup folder and an embedded data folder alike. */
export function databaseFile(name: string): string {
  if (!isDatabaseName(name)) throw new Error(`not a database name: ${JSON.stringify(name.slice(0, 60))}`);
  return `${name}.db`;
}

/** The embedded mode's key for plugin secrets (plugins/installer/vault.ts). */
export const SECRETS_KEY_FILE = 'secrets.key';
