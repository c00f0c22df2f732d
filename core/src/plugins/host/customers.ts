import { z } from 'zod';
import { getCustomer, listCustomers } from '../../domain/customers.js';
import type { TenantContext } from '../../tenancy/context.js';
import { globalIdArg, localIdOrNull, pageArgs, parseArgs } from './args.js';
import { nullIfNotFound, requireScope } from './errors.js';
import { sdlCustomers, toSdlPage } from './sdl-shapes.js';
import type { CapabilityHandlers, HostDeps } from './types.js';

const getArgs = z.strictObject({ id: globalIdArg });
const listArgs = z.strictObject(pageArgs);

/** `customers:read`: customers with their identities, by global id or newest first. */
export function customerCapabilities({ installation }: HostDeps, tenant: TenantContext): CapabilityHandlers {
  return {
    'customers.get': async (args) => {
      requireScope(installation, 'customers:read');
      const { id } = parseArgs('customers.get', getArgs, args);
      const local = localIdOrNull('Customer', id);
      const row = local === null ? null : await nullIfNotFound(getCustomer(tenant, local));
      return row === null ? null : (await sdlCustomers(tenant, [row]))[0];
    },
    'customers.list': async (args) => {
      requireScope(installation, 'customers:read');
      const page = parseArgs('customers.list', listArgs, args);
      const connection = await listCustomers(tenant, page);
      return toSdlPage(connection, await sdlCustomers(tenant, connection.edges.map((e) => e.node)));
    },
  };
}
