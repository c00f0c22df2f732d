export { serverConfigFromEnv, type ServerConfig } from './config.js';
export { databaseConfigFromEnv, type DatabaseConfig } from './db/config.js';
export { tenantDatabaseName, type TenantDb } from './db/tenant-db.js';
export { openPlatform, type Platform } from './platform.js';
export { startServer, type RunningServer } from './http/server.js';
export { createApp } from './http/app.js';
export { createGraphQLServer } from './graphql/yoga.js';
export { createTenant, findTenantBySlug, listTenants, requireTenantBySlug } from './tenancy/tenants.js';
export { createApiKey, revokeApiKey, type Principal } from './tenancy/api-keys.js';
export { tenantContext, type TenantContext } from './tenancy/context.js';
export { AppError, type ErrorCode } from './lib/errors.js';
export { toGlobalId, parseGlobalId } from './lib/ids.js';
export { createLogger } from './lib/logger.js';
export * as domain from './domain/index.js';
/** Committed changes per tenant, live: what GraphQL subscriptions and the console's live pages listen to. */
export { liveEvents, LiveEventBus, type LiveEvent, type LiveSubscription } from './domain/live-events.js';
export { seedTenant, type SeedOptions, type SeedProgress, type SeedSummary } from './seed/index.js';
/** Plugin widget trees drawn as accessible HTML, and their maps drawn offline as SVG. */
export {
  WidgetView, WidgetTree, WidgetFrame, WidgetErrorBox, WidgetEmpty, widgetDomId, widgetKey, parseWidgetKey, widgetLabels,
  DEFAULT_WIDGET_LABELS, mapSvg, MAP_SVG_MAX_BYTES, type WidgetOutcome, type WidgetPageContext, type WidgetFormat,
  type WidgetRenderContext, type WidgetLabels, type HeadingLevel, type MapSvgOptions, type MapNode,
} from './web/widgets/index.js';
/** Plugin widgets rendered at an extension point and their buttons' actions (`platform.plugins`). */
export type {
  RenderOptions, WidgetActionRequest, WidgetActionResult, WidgetHead, WidgetResult, WidgetTarget,
} from './plugins/widgets/index.js';
export type { Caller, CustomerCaller, StaffCaller } from './plugins/host/authority.js';
/** Web sign-ins: staff users an admin creates, and demo users for a seeded tenant. */
export { createStaffUser, type StaffRole, type WebUser } from './tenancy/web-users.js';
export { seedWebUsers, type SeedWebUsersOptions, type SeededWebUser } from './tenancy/seed-web-users.js';
