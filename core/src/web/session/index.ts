export { webSession, beginWebSession, endWebSessionOf, clientAddress, type WebSessionOptions, type WebSessionPlatform } from './web-session.js';
export { requireWebUser, signInPath, AREA_PATHS, type WebArea } from './require-web-user.js';
export { verifyCsrf } from './verify-csrf.js';
export { SESSION_COOKIE, FORM_CSRF_COOKIE } from './cookies.js';
export type { WebSessionEnv, WebSessionVariables, WebSessionTenant } from './env.js';
export { signUpCustomer, signIn, createStaffUser, listWebUsers, disableWebUser, changeWebUserRole, getWebUser, type WebUser, type WebActor, type StaffRole } from '../../tenancy/web-users.js';
export { requestPasswordReset, resetPassword, RESET_LINK_TTL_MS, type ResetMail } from '../../tenancy/password-reset.js';
export { readBranding, updateBranding, DEFAULT_BRANDING, contrastWithWhite, type BrandingSettings } from '../../tenancy/web-settings.js';
export { listMail, MailSender, type MailMessage } from '../../domain/mail/index.js';
