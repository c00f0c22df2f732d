import { z } from 'zod';
import { getOrder, listOrders } from '../../domain/orders.js';
import type { InvocationAuthority } from './authority.js';
import { globalIdArg, localIdOrNull, pageArgs, parseArgs } from './args.js';
import { nullIfNotFound, requireScope } from './errors.js';
import { sdlOrders, toSdlPage } from './sdl-shapes.js';
import type { CapabilityHandlers, HostDeps } from './types.js';

const getArgs = z.strictObject({ id: globalIdArg });
const listByCustomerArgs = z.strictObject({ customerId: globalIdArg, ...pageArgs });

/**
 * `orders:read`: orders with their lines, by global id or a customer's newest first. A portal
 * customer's invocation sees that customer's orders alone; others answer as missing.
 */
export function orderCapabilities({ installation }: HostDeps, authority: InvocationAuthority): CapabilityHandlers {
  const tenant = authority.reader;
  return {
    'orders.get': async (args) => {
      requireScope(installation, 'orders:read');
      const { id } = parseArgs('orders.get', getArgs, args);
      const local = localIdOrNull('Order', id);
      const row = local === null ? null : await nullIfNotFound(getOrder(tenant, local));
      return row === null || !authority.concerns(row.customerId) ? null : (await sdlOrders(tenant, [row]))[0];
    },
    'orders.listByCustomer': async (args) => {
      requireScope(installation, 'orders:read');
      const { customerId, ...page } = parseArgs('orders.listByCustomer', listByCustomerArgs, args);
      const local = localIdOrNull('Customer', customerId);
      // Never query without the filter: listOrders drops an empty one and would list every order.
      if (local === null || !authority.concerns(local)) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
      const connection = await listOrders(tenant, { ...page, filter: { customerId: local } });
      return toSdlPage(connection, await sdlOrders(tenant, connection.edges.map((e) => e.node)));
    },
  };
}
