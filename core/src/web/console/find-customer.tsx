import type { Context } from 'hono';
import { z } from 'zod';
import { listCustomers, type Customer } from '../../domain/customers.js';
import { FormProblem, TextField } from '../form-fields.js';
import { renderPage } from '../render.js';
import { staffTenantContext } from '../session/index.js';
import { useView } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';
import { ConsolePage, TelLink, consoleBase, type ConsoleUser } from './frame.js';
import { consoleUserOf } from './presence.js';

const RESULTS = 20;
const MAX_QUERY = 200;

function FindCustomerPage(props: { user: ConsoleUser; query: string; results: Customer[] | null; error?: string }) {
  const view = useView();
  const { t } = view;
  const base = consoleBase(view.tenant!.tenant.slug);
  return (
    <ConsolePage title={t('console.find.title')} user={props.user}>
      <h1>{t('console.find.title')}</h1>
      <form method="get" action={`${base}/customers`} class="card stacked-form" role="search">
        <FormProblem message={props.error && t('console.formErrors')} />
        <TextField name="q" type="search" label={t('console.find.label')} hint={t('console.find.hint')} value={props.query} maxlength={MAX_QUERY} error={props.error} />
        <button type="submit">{t('console.find.submit')}</button>
      </form>
      {props.results !== null && (
        <section aria-labelledby="results-h">
          <h2 id="results-h">{t('console.find.results')}</h2>
          {props.results.length === 0 ? <p>{t('console.find.none')}</p> : (
            <div class="card"><ul class="plain-list">
              {props.results.map((c) => (
                <li>
                  <a href={`${base}/customers/${c.id}`}>{c.name}</a>
                  {c.email && <span class="muted break"> · {c.email}</span>}
                  {c.phone && <> · <TelLink phone={c.phone} /></>}
                </li>
              ))}
            </ul></div>
          )}
        </section>
      )}
    </ConsolePage>
  );
}

const querySchema = z.object({ q: z.string().optional() });

/**
 * GET /console/customers?q= — finds customers by the start of their name, or by an email address
 * (the API's own customer filters), so an agent can open anyone's 360, not only those with cases.
 */
export async function showFindCustomer(c: Context<WidgetPageEnv>) {
  const ctx = staffTenantContext(c);
  const { t } = c.var.view;
  const user = await consoleUserOf(c);
  const raw = querySchema.parse(c.req.query()).q ?? '';
  const query = raw.trim();
  if (query === '') return renderPage(c, c.var.view, <FindCustomerPage user={user} query="" results={null} />);
  if (query.length > MAX_QUERY) {
    return renderPage(c, c.var.view, <FindCustomerPage user={user} query={raw.slice(0, MAX_QUERY)} results={null} error={t('console.find.tooLong', { max: MAX_QUERY })} />, 422);
  }
  const filter = query.includes('@') ? { email: query } : { nameStartsWith: query };
  const page = await listCustomers(ctx, { first: RESULTS, filter, orderBy: 'NAME_ASC' });
  return renderPage(c, c.var.view, <FindCustomerPage user={user} query={query} results={page.edges.map((e) => e.node)} />);
}
