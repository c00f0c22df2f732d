import type { Context } from 'hono';
import { AppError } from '../../lib/errors.js';
import type { Actor } from '../../plugins/installer/index.js';
import type { WebActor } from '../session/index.js';
import type { StaffWebEnv } from '../staff-sign-in.js';

/** A request of the admin pages (after `requireWebUser('admin')`). */
export type AdminContext = Context<StaffWebEnv>;

/** The signed-in admin as the installer and the audit log name them: `web:<user id>`. */
export const installerActor = (c: AdminContext): Actor => ({ tenantId: c.var.webTenant.id, actor: `web:${c.var.webUser!.id}` });

/** The signed-in admin as the web-user and branding use-cases check them. */
export const webActor = (c: AdminContext): WebActor => ({ id: c.var.webUser!.id, role: c.var.webUser!.role });

/** A path under this tenant's admin pages. */
export const adminPath = (c: AdminContext, rest = '') => `/t/${c.var.webTenant.slug}/admin${rest}`;

/** A submitted form: every field, repeated ones as arrays (hono caches the body verifyCsrf read). */
export type FormBody = Record<string, string | File | (string | File)[]>;
export const readForm = async (c: AdminContext): Promise<FormBody> => (await c.req.parseBody({ all: true })) as FormBody;

/** One text value of a form (the first when repeated; '' when missing or a file). */
export function text(body: FormBody, name: string): string {
  const v = body[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

/** Every text value of a repeated field (ticked checkboxes). */
export function texts(body: FormBody, name: string): string[] {
  const v = body[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
}

/** The outcome notes a redirect may carry (`?done=installed`): only these are shown. */
export const DONE_NOTES = [
  'installed', 'configured', 'upgraded', 'rolledBack', 'uninstalled', 'purged', 'replayed', 'userCreated', 'userDisabled', 'roleChanged',
  'keyRevoked', 'brandingSaved',
] as const;
export type DoneNote = (typeof DONE_NOTES)[number];
export const doneNote = (c: AdminContext): DoneNote | undefined =>
  (DONE_NOTES as readonly string[]).includes(c.req.query('done') ?? '') ? (c.req.query('done') as DoneNote) : undefined;

/**
 * The `:pluginId` of the path, checked for shape and size before any query: anything that
 * cannot be a plugin id (publisher.name, at most 64 characters) is as missing as an unknown one.
 */
export function pluginIdParam(c: AdminContext): string {
  const id = c.req.param('pluginId') ?? '';
  if (id.length > 64 || !/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/.test(id)) throw new AppError('NOT_FOUND', 'plugin not found');
  return id;
}

/** A version posted by a form (a semver version, at most 64 characters), else NOT_FOUND like an unpublished one. */
export function versionField(body: FormBody): string {
  const version = text(body, 'version');
  if (version.length > 64 || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version)) throw new AppError('NOT_FOUND', 'version not found');
  return version;
}
