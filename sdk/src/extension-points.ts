import type { Case, Customer, Order } from './generated/core-types.js';

/** Where the host shows a plugin's widgets, and what each place hands to `render`. */
export interface ExtensionPointTargets {
  'portal.home': { customer: Customer };
  'portal.order.detail': { order: Order };
  'portal.case.detail': { case: Case };
  'console.customer.sidebar': { customer: Customer };
  'console.case.sidebar': { case: Case };
  'console.order.sidebar': { order: Order };
}
export type ExtensionPoint = keyof ExtensionPointTargets;

export const EXTENSION_POINTS = [
  'portal.home',
  'portal.order.detail',
  'portal.case.detail',
  'console.customer.sidebar',
  'console.case.sidebar',
  'console.order.sidebar',
] as const satisfies readonly ExtensionPoint[];
