import { z } from 'zod';
import { getCustomer, listCustomers } from '../../domain/customers.js';
import type { InvocationAuthority } from './authority.js';
import { globalIdArg, localIdOrNull, pageArgs, parseArgs } from './args.js';
import { nullIfNotFound, requireScope } from './errors.js';
import { sdlCustomers, toSdlPage } from './sdl-shapes.js';
import type { CapabilityHandlers, HostDeps } from './types.js';

const getArgs = z.strictObject({ id: globalIdArg });
const listArgs = z.strictObject(pageArgs);

/**
 * `customers:read`: customers with their identities, by global id or newest first. A portal
 * customer's invocation sees that customer alone; anyone else answers as missing.
 */
export function customerCapabilities({ installation }: HostDeps, authority: InvocationAuthority): CapabilityHandlers {
  const tenant = authority.reader;
  return {
    'customers.get': async (args) => {
      requireScope(installation, 'customers:read');
      const { id } = parseArgs('customers.get', getArgs, args);
      const local = localIdOrNull('Customer', id);
      const row = local === null || !authority.concerns(local) ? null : await nullIfNotFound(getCustomer(tenant, local));
      return row === null ? null : (await sdlCustomers(tenant, [row]))[0];
    },
    'customers.list': async (args) => {
      requireScope(installation, 'customers:read');
      const page = parseArgs('customers.list', listArgs, args);
      const own = authority.ownCustomerId;
      // Never list for a portal customer: the only customer they may see is themselves.
      if (own !== null) {
        const self = page.after ? null : await nullIfNotFound(getCustomer(tenant, own));
        return { nodes: await sdlCustomers(tenant, self ? [self] : []), pageInfo: { hasNextPage: false, endCursor: null } };
      }
      const connection = await listCustomers(tenant, page);
      return toSdlPage(connection, await sdlCustomers(tenant, connection.edges.map((e) => e.node)));
    },
  };
}
