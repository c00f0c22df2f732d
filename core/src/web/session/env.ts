import type { TenantDb } from '../../db/tenant-db.js';
import type { AppEnv } from '../../http/authenticate.js';
import type { WebSession } from '../../tenancy/web-sessions.js';
import type { WebUser } from '../../tenancy/web-users.js';
import type { FormCsrf } from './form-csrf.js';
import type { SessionLifetimes } from '../../tenancy/web-sessions.js';

/** The tenant a web request is for, resolved from the `:tenant` path segment. */
export interface WebSessionTenant {
  id: string;
  slug: string;
  name: string;
  data: TenantDb;
}

/** What `webSession()` puts on the context for pages and the other session middleware. */
export interface WebSessionVariables {
  webTenant: WebSessionTenant;
  /** The signed-in user, or null for a visitor. */
  webUser: WebUser | null;
  webSession: WebSession | null;
  /** Put this in every form as `_csrf` (or send it as `X-CSRF-Token`): the session's token, or the anonymous forms' one. */
  csrfToken: string;
  /** Internal: how the session middleware was set up, for sign-in, sign-out and verifyCsrf. */
  webSessionSetup: WebSessionSetup;
}

export interface WebSessionSetup {
  formCsrf: FormCsrf;
  lifetimes: SessionLifetimes;
  /** Cookies of this request are marked Secure. */
  secure: boolean;
}

export type WebSessionEnv = {
  Variables: AppEnv['Variables'] & WebSessionVariables;
  Bindings: AppEnv['Bindings'];
};
