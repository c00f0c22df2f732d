import type { YogaInitialContext } from 'graphql-yoga';
import type { PluginPlatform } from '../plugins/platform.js';
import type { TenantContext } from '../tenancy/context.js';
import type { Loaders } from './loaders.js';

/** What the HTTP layer hands to yoga for each request (after verifying the API key). */
export interface ServerContext {
  tenant: TenantContext;
  requestId: string;
  /** Absent where the server runs without plugins (e.g. some tests). */
  plugins?: PluginPlatform;
}

export type GraphQLContext = YogaInitialContext & ServerContext & { loaders: Loaders };
