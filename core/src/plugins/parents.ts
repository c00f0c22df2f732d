import type { Account } from '../domain/accounts.js';
import type { Case } from '../domain/cases.js';
import type { Customer } from '../domain/customers.js';
import type { Order } from '../domain/orders.js';
import type { TenantContext } from '../tenancy/context.js';
import { sdlCustomers, sdlOrders, toSdlAccount, toSdlCase } from './host/index.js';

/**
 * What a plugin resolver receives as `parents`: core rows become the SDL-shaped copies the SDK's
 * types promise (global ids, ISO dates, lines and identities filled in); a plugin's own types
 * and root fields pass through as they are.
 */
export async function pluginParents(tenant: TenantContext, type: string, parents: readonly unknown[]): Promise<unknown[]> {
  switch (type) {
    case 'Customer':
      return sdlCustomers(tenant, parents as Customer[]);
    case 'Order':
      return sdlOrders(tenant, parents as Order[]);
    case 'Case':
      return (parents as Case[]).map(toSdlCase);
    case 'Account':
      return (parents as Account[]).map(toSdlAccount);
    default:
      return [...parents];
  }
}
