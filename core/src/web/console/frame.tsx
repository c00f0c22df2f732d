import type { Child } from 'hono/jsx';
import { PRESENCES } from '../../db/tenant-schema.js';
import type { Presence } from '../../domain/routing/index.js';
import { CsrfField } from '../form-fields.js';
import { areaNav } from '../layout/area-nav.js';
import { Page } from '../layout/page.js';
import { SignOutForm } from '../staff-sign-in.js';
import { useView } from '../view.js';

/** The signed-in agent as the console frame shows them. */
export interface ConsoleUser {
  name: string;
  csrfToken: string;
  /** Their routing presence; absent for a user without an agent profile (no switch shown). */
  presence?: Presence | null;
  /** Why the last presence change was refused, shown beside the switch. */
  presenceError?: string;
}

/** The console's base path of the view's tenant. */
export const consoleBase = (slug: string) => `/t/${slug}/console`;

/**
 * A console page: the area navigation, a bar naming the signed-in agent with the sign-out
 * button, the screen pop of calls, and the console's stylesheets (`widgets.css` for pages with widget slots).
 */
export function ConsolePage(props: { title: string; user?: ConsoleUser; assets?: string[]; children?: Child }) {
  const view = useView();
  const { t } = view;
  const base = consoleBase(view.tenant!.tenant.slug);
  return (
    <Page title={props.title} nav={areaNav(view, 'console')} assets={[...new Set(['console.css', ...(props.user ? ['htmx-sse.js'] : []), ...(props.assets ?? [])])]}>
      {props.user && (
        <div class="console-bar">
          <a href={base}>{t('console.nav.work')}</a>
          <a href={`${base}/customers`}>{t('console.nav.find')}</a>
          <a href={`${base}/chats`}>{t('chat.console.title')}</a>
          <span class="console-bar__who">{t('console.nav.signedInAs', { name: props.user.name })}</span>
          {props.user.presence && <PresenceSwitch user={props.user} presence={props.user.presence} />}
          <SignOutForm area="staff" csrf={props.user.csrfToken} />
        </div>
      )}
      {/* Screen pops of calls (call-pop.tsx): every page of a signed-in agent listens. */}
      {props.user && <div id="call-pop" class="call-pop-region" hx-ext="sse" sse-connect={`${base}/calls/live`} sse-swap="call" hx-swap="innerHTML" />}
      {props.children}
    </Page>
  );
}

/**
 * The agent's presence as a one-field form (POST → 303 back to this page): the select shows
 * the current presence, and a dot repeats it at a glance.
 */
function PresenceSwitch(props: { user: ConsoleUser; presence: Presence }) {
  const view = useView();
  const { t } = view;
  const error = props.user.presenceError;
  return (
    <form method="post" action={`${consoleBase(view.tenant!.tenant.slug)}/presence`} class="presence-switch">
      <CsrfField token={props.user.csrfToken} />
      <input type="hidden" name="next" value={view.path} />
      <span class={`presence-dot presence-dot--${props.presence.toLowerCase()}`} aria-hidden="true" />
      <label for="f-presence">{t('routing.presence.label')}</label>
      <select id="f-presence" name="presence" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'f-presence-error' : undefined}>
        {PRESENCES.map((p) => <option value={p} selected={p === props.presence}>{t(`routing.presence.states.${p}`)}</option>)}
      </select>
      <button type="submit">{t('routing.presence.set')}</button>
      {error && <p class="field__error" id="f-presence-error">{error}</p>}
    </form>
  );
}

/** A card named by its heading, with a plain list of `items` drawn by `item`, or `empty` when there are none. */
export function ListCard<T>(props: { id: string; title: string; empty: string; items: readonly T[]; item: (entry: T) => Child }) {
  return (
    <section class="card" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.items.length === 0 ? <p class="muted">{props.empty}</p> : <ul class="plain-list">{props.items.map((entry) => <li>{props.item(entry)}</li>)}</ul>}
    </section>
  );
}

/** A phone number as a click-to-dial link; the href keeps only what a dialler understands. */
export function TelLink(props: { phone: string }) {
  const { t } = useView();
  const dial = props.phone.replace(/[^0-9+*#]/g, '');
  if (dial === '') return <span>{props.phone}</span>;
  return <a href={`tel:${dial}`} class="tel" aria-label={t('console.customer.call', { phone: props.phone })}>{props.phone}</a>;
}
