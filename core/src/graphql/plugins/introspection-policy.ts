import { getNamedType, GraphQLError, isIntrospectionType, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServerConfig } from '../../config.js';
import type { Role } from '../../db/control-schema.js';
import type { ServerContext } from '../context.js';

/** What a refused caller reads: who may introspect instead, and where else the schema comes from. */
export function introspectionRefusal(allowed: readonly Role[], role: Role | undefined): string {
  const elsewhere = 'an operator can print it with `mosaic schema print --tenant <slug>`';
  if (!allowed.length) return `introspection is turned off on this server; ${elsewhere}`;
  const roles = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} and ${allowed.at(-1)}` : allowed[0];
  return `introspection is open to ${roles} API keys, and this key's role is ${role ?? 'unknown'}; ` +
    `use one of those keys, or ${elsewhere}`;
}

/**
 * Like graphql-js's NoSchemaIntrospectionCustomRule (any field whose type is an introspection
 * type, so `__typename` stays open), but FORBIDDEN: the caller's key, not the query, is at fault.
 * One error per operation is enough to say so.
 */
const refuseIntrospection = (message: string): ValidationRule => (context) => {
  let reported = false;
  return {
    Field(node) {
      const type = getNamedType(context.getType());
      if (reported || !type || !isIntrospectionType(type)) return;
      reported = true;
      context.reportError(new GraphQLError(message, { nodes: node, extensions: { code: 'FORBIDDEN', http: { status: 403 } } }));
    },
  };
};

/** Introspection for the roles MOSAIC_INTROSPECTION_ROLES names (admins and integrators by default). */
export function introspectionPolicy(policy: ServerConfig['introspection']): Plugin<ServerContext> {
  // Yoga caches validation by the rules' names, so each refused role gets a rule named for it:
  // otherwise one role's cached verdict (and message) would answer for another's.
  const refusals = new Map<Role | undefined, ValidationRule>();
  const refusalFor = (role: Role | undefined) => {
    let rule = refusals.get(role);
    if (!rule) {
      rule = refuseIntrospection(introspectionRefusal(policy.roles, role));
      Object.defineProperty(rule, 'name', { value: `MosaicIntrospectionRefused_${role ?? 'anonymous'}` });
      refusals.set(role, rule);
    }
    return rule;
  };
  return {
    onValidate({ context, addValidationRule }) {
      const role = context.tenant?.role;
      if (!role || !policy.roles.includes(role)) addValidationRule(refusalFor(role));
    },
  };
}
