import type { Child } from 'hono/jsx';
import { areaNav } from '../layout/area-nav.js';
import { Page } from '../layout/page.js';
import { SignOutForm } from '../staff-sign-in.js';
import { useView } from '../view.js';
import type { DoneNote } from './admin-context.js';

/** The sections of the admin pages, in the order of their navigation. */
export const ADMIN_SECTIONS = [
  'overview', 'metrics', 'channels', 'queues', 'skills', 'slaPolicies', 'calendars', 'marketplace', 'plugins', 'users', 'apiKeys', 'branding',
] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];
const SECTION_PATHS: Record<AdminSection, string> = {
  overview: '', metrics: '/metrics', channels: '/channels', queues: '/queues', skills: '/skills', slaPolicies: '/sla-policies', calendars: '/calendars',
  marketplace: '/marketplace', plugins: '/plugins', users: '/users', apiKeys: '/api-keys', branding: '/branding',
};
/** The service-operations sections keep their labels with their own strings. */
const OPERATIONS_SECTIONS: readonly AdminSection[] = ['channels', 'queues', 'skills', 'slaPolicies', 'calendars'];
const sectionLabel = (s: AdminSection) => (OPERATIONS_SECTIONS.includes(s) ? `operations.nav.${s}` : `admin.nav.${s}`);

/**
 * The frame of every signed-in admin page: the site's page with the admin's section navigation,
 * the sign-out button and the note of what the last action did.
 */
export function AdminPage(props: { title: string; section: AdminSection; csrf: string; done?: DoneNote; children?: Child }) {
  const view = useView();
  const { t } = view;
  const base = `/t/${view.tenant!.tenant.slug}/admin`;
  return (
    <Page title={props.title} nav={areaNav(view, 'admin')} assets={['admin.css']}>
      <div class="admin">
        <nav class="admin-nav" aria-label={t('admin.nav.label')}>
          <ul>
            {ADMIN_SECTIONS.map((s) => (
              <li><a href={`${base}${SECTION_PATHS[s]}`} aria-current={s === props.section ? 'page' : undefined}>{t(sectionLabel(s))}</a></li>
            ))}
          </ul>
          <SignOutForm area="admin" csrf={props.csrf} />
        </nav>
        <div class="admin-content">
          {props.done && <p class="notice" role="status">{t(`admin.done.${props.done}`)}</p>}
          {props.children}
        </div>
      </div>
    </Page>
  );
}

/**
 * A table's frame that scrolls sideways on narrow screens instead of widening the page; it is a
 * labelled, focusable region so keyboard users can scroll it too.
 */
export function TableScroll(props: { label: string; children?: Child }) {
  return <div class="table-scroll" role="region" aria-label={props.label} tabindex={0}>{props.children}</div>;
}

/**
 * A button or link text that says which row it acts on to screen readers ("Disable (Bea)") while
 * showing the short word; the accessible name starts with the visible text, as it must.
 */
export function RowAction(props: { text: string; of: string }) {
  return <>{props.text}<span class="visually-hidden"> ({props.of})</span></>;
}
