import type { WebView } from '../view.js';
import type { NavLink } from './page.js';

/** The three areas of a tenant's site. */
export type Area = 'portal' | 'console' | 'admin';
const AREAS: Area[] = ['portal', 'console', 'admin'];

/** Navigation between a tenant's areas, the current one marked. */
export function areaNav(view: WebView, current: Area): NavLink[] {
  const slug = view.tenant!.tenant.slug;
  return AREAS.map((area) => ({ href: `/t/${slug}/${area}`, label: view.t(`areas.${area}`), current: area === current }));
}
