import type { YogaInitialContext } from 'graphql-yoga';
import type { PluginPlatform } from '../plugins/platform.js';
import type { TenantContext } from '../tenancy/context.js';
import type { Loaders } from './loaders.js';
import type { SubscriptionSlots } from './subscriptions/slots.js';

/** What the HTTP layer hands to yoga for each request (after verifying the API key). */
export interface ServerContext {
  tenant: TenantContext;
  requestId: string;
  /** Absent where the server runs without plugins (e.g. some tests). */
  plugins?: PluginPlatform;
}

/** The server's open-subscription counts (one per GraphQL server). */
export type GraphQLContext = YogaInitialContext & ServerContext & { loaders: Loaders; subscriptionSlots: SubscriptionSlots };
