import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServerConfig } from '../../config.js';
import type { ServerContext } from '../context.js';

/** Introspection for admins only by default; operators can open it to all or close it. */
export function introspectionPolicy(policy: ServerConfig['introspection']): Plugin<ServerContext> {
  return {
    onValidate({ context, addValidationRule }) {
      const allowed = policy === 'all' || (policy === 'admins' && context.tenant?.role === 'admin');
      if (!allowed) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
