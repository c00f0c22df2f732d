import type { ExtensionPoint } from '@mosaic/sdk';
import type { Case } from '../../domain/cases.js';
import type { Customer } from '../../domain/customers.js';
import type { Order } from '../../domain/orders.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { Caller } from '../host/index.js';
import { pluginParents } from '../parents.js';

/** What a page hands its widgets: the core row the page shows. */
export type WidgetTarget = { customer: Customer } | { order: Order } | { case: Case };

type TargetKind = 'customer' | 'order' | 'case';

/** Which record each extension point shows, as the SDK's ExtensionPointTargets promise. */
const TARGET_KIND = {
  'portal.home': 'customer',
  'portal.order.detail': 'order',
  'portal.case.detail': 'case',
  'console.customer.sidebar': 'customer',
  'console.case.sidebar': 'case',
  'console.order.sidebar': 'order',
} as const satisfies Record<ExtensionPoint, TargetKind>;

const SDL_TYPE = { customer: 'Customer', order: 'Order', case: 'Case' } as const;

/** Whether `name` is an extension point the host knows. */
export const isExtensionPoint = (name: string): name is ExtensionPoint => Object.hasOwn(TARGET_KIND, name);

/** Portal points are for signed-in customers, console points for staff. */
export const pointIsFor = (point: ExtensionPoint, viewer: Caller): boolean =>
  point.startsWith('portal.') === (viewer.kind === 'customer');

/**
 * The target as plugins receive it (`{ order }` with the SDK's Order shape: global ids, lines,
 * ISO dates), after checking it is the record `point` shows and that `viewer` may see it: a
 * portal customer only their own records, anything else answering NOT_FOUND like a missing one.
 */
export async function pluginTarget(tenant: TenantContext, point: ExtensionPoint, target: WidgetTarget, viewer: Caller): Promise<Record<string, unknown>> {
  const kind = TARGET_KIND[point];
  const row = (target as Partial<Record<TargetKind, Customer | Order | Case>>)[kind];
  if (row === undefined || Object.keys(target).length !== 1) {
    throw new AppError('BAD_REQUEST', `${point} shows a ${kind}; its widgets need { ${kind} } as target`);
  }
  const owner = kind === 'customer' ? row.id : (row as Order | Case).customerId;
  if (viewer.kind === 'customer' && owner !== viewer.customerId) throw notFound(SDL_TYPE[kind]);
  const [shaped] = await pluginParents(tenant, SDL_TYPE[kind], [row]);
  return { [kind]: shaped };
}
