import type { Child } from 'hono/jsx';
import { Page, type NavLink } from '../layout/page.js';
import { useView } from '../view.js';

/** Which portal section a page belongs to (its nav link is marked). */
export type PortalSection = 'home' | 'knowledge' | 'community' | 'cases' | 'orders' | 'account';

/** The signed-in customer as the page header shows them; null for visitors. */
export interface PortalViewer { name: string; csrfToken: string }

/**
 * The frame of every portal page: the portal's own navigation (customers never see the staff
 * areas), the account bar with the sign-out form, and the portal stylesheet.
 */
export function PortalPage(props: { title: string; section: PortalSection; viewer: PortalViewer | null; /** The page shows plugin widgets. */ widgets?: boolean; /** More served assets of the page. */ assets?: string[]; children?: Child }) {
  const { t, tenant } = useView();
  const base = `/t/${tenant!.tenant.slug}/portal`;
  const links: [PortalSection, string, string][] = [
    ['home', base, t('portal.title')],
    ['knowledge', `${base}/knowledge`, t('portal.nav.knowledge')],
    ['community', `${base}/community`, t('portal.nav.community')],
    ...(props.viewer ? [
      ['cases', `${base}/cases`, t('portal.nav.cases')],
      ['orders', `${base}/orders`, t('portal.nav.orders')],
    ] as [PortalSection, string, string][] : []),
  ];
  const nav: NavLink[] = links.map(([section, href, label]) => ({ href, label, current: section === props.section }));
  return (
    <Page title={props.title} nav={nav} assets={[...(props.widgets ? ['portal.css', 'widgets.css'] : ['portal.css']), ...(props.assets ?? [])]}>
      <div class="portal-account">
        {props.viewer ? (
          <form method="post" action={`${base}/sign-out`} class="portal-account__form">
            <span>{t('portal.account.signedInAs', { name: props.viewer.name })}</span>
            <input type="hidden" name="_csrf" value={props.viewer.csrfToken} />
            <button type="submit" class="button--quiet">{t('portal.account.signOut')}</button>
          </form>
        ) : (
          <p><a href={`${base}/sign-in`}>{t('portal.nav.signIn')}</a> · <a href={`${base}/sign-up`}>{t('portal.nav.signUp')}</a></p>
        )}
      </div>
      {props.children}
    </Page>
  );
}
