import type { Context } from 'hono';
import { z } from 'zod';
import { listCases, type Case } from '../../domain/cases.js';
import type { Customer } from '../../domain/customers.js';
import { createLoaders } from '../../graphql/loaders.js';
import type { PageInfo } from '../../domain/pagination.js';
import { renderPage } from '../render.js';
import { staffTenantContext } from '../session/index.js';
import { useView } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';
import { ConsolePage, consoleBase, type ConsoleUser } from './frame.js';
import { OffersCard, pendingOffersOf, type OfferProblem, type PendingOffer } from './offers.js';
import { consoleUserOf } from './presence.js';

/** Cases an agent still has to work on. */
export const OPEN_STATUSES = ['NEW', 'OPEN', 'PENDING'] as const;
const VIEWS = ['mine', 'queue', 'all'] as const;
type WorkView = (typeof VIEWS)[number];
const PAGE_SIZE = 20;

const querySchema = z.object({
  view: z.enum(VIEWS).optional(),
  after: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/).optional(),
  before: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/).optional(),
});

interface WorkListData {
  view: WorkView;
  rows: { kase: Case; customer: Customer | null }[];
  pageInfo: PageInfo;
  total: number;
  /** Cases routing offers the agent; shown above the list when the user is an agent. */
  offers: PendingOffer[] | null;
  now: Date;
}

function WorkListPage(props: WorkListData & { user: ConsoleUser; problem?: OfferProblem }) {
  const v = useView();
  const { t, format } = v;
  const base = consoleBase(v.tenant!.tenant.slug);
  const { pageInfo } = props;
  return (
    <ConsolePage title={t('console.work.title')} user={props.user}>
      <h1>{t('console.work.title')}</h1>
      {props.offers && <OffersCard offers={props.offers} user={props.user} now={props.now} problem={props.problem} />}
      <nav aria-label={t('console.work.views')} class="tabs">
        <ul>
          {VIEWS.map((name) => (
            <li><a href={`${base}?view=${name}`} aria-current={name === props.view ? 'page' : undefined}>{t(`console.work.${name}`)}</a></li>
          ))}
        </ul>
      </nav>
      <p class="muted">{t('console.work.count', { n: format.number(props.total) })}</p>
      {props.rows.length === 0 ? <p>{t('console.work.empty')}</p> : (
        <div class="table-scroll" role="region" aria-label={t('console.work.title')} tabindex={0}>
          <table class="work-table">
            <thead>
              <tr>
                <th scope="col">{t('console.work.number')}</th>
                <th scope="col">{t('console.work.subject')}</th>
                <th scope="col">{t('console.work.customer')}</th>
                <th scope="col">{t('console.work.status')}</th>
                <th scope="col">{t('console.work.priority')}</th>
                <th scope="col">{t('console.work.created')}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map(({ kase, customer }) => (
                <tr>
                  <td>#{kase.number}</td>
                  <td><a href={`${base}/cases/${kase.id}`}>{kase.subject}</a></td>
                  <td>{customer ? <a href={`${base}/customers/${customer.id}`}>{customer.name}</a> : '—'}</td>
                  <td>{t(`console.caseStatus.${kase.status}`)}</td>
                  <td><span class={`priority priority--${kase.priority.toLowerCase()}`}>{t(`console.priorities.${kase.priority}`)}</span></td>
                  <td><time datetime={kase.createdAt.toISOString()}>{format.dateTime(kase.createdAt)}</time></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(pageInfo.hasPreviousPage || pageInfo.hasNextPage) && (
        <nav aria-label={t('console.work.paging')} class="pager">
          {pageInfo.hasPreviousPage && pageInfo.startCursor && <a href={`${base}?view=${props.view}&before=${pageInfo.startCursor}`}>{t('console.work.newer')}</a>}
          {pageInfo.hasNextPage && pageInfo.endCursor && <a href={`${base}?view=${props.view}&after=${pageInfo.endCursor}`}>{t('console.work.older')}</a>}
        </nav>
      )}
    </ConsolePage>
  );
}

/** The work list's data: the page of cases, their customers, and the agent's offers, read side by side. */
async function loadWorkList(c: Context<WidgetPageEnv>): Promise<WorkListData & { user: ConsoleUser }> {
  const ctx = staffTenantContext(c);
  const query = querySchema.safeParse(c.req.query());
  const q = query.success ? query.data : {};
  const view: WorkView = q.view ?? (ctx.agentId ? 'mine' : 'all');
  // An admin without an agent profile has nothing assigned: "mine" is simply empty for them.
  const filter = {
    statusIn: OPEN_STATUSES,
    ...(view === 'mine' && { assigneeId: ctx.agentId ?? '-' }),
    ...(view === 'queue' && { unassigned: true }),
  };
  const paging = q.before ? { last: PAGE_SIZE, before: q.before } : { first: PAGE_SIZE, after: q.after ?? null };
  const [page, offers, user] = await Promise.all([
    listCases(ctx, { ...paging, filter }),
    ctx.agentId ? pendingOffersOf(ctx) : Promise.resolve(null),
    consoleUserOf(c),
  ]);
  const customerIds = [...new Set(page.edges.map((e) => e.node.customerId))];
  const [total, customers] = await Promise.all([
    page.totalCount?.() ?? Promise.resolve(page.edges.length),
    // One query for the page's customers, with the API's own batching loader.
    createLoaders(ctx).customer.loadMany(customerIds),
  ]);
  const byId = new Map(customers.filter((x): x is Customer => x !== undefined && !(x instanceof Error)).map((x) => [x.id, x]));
  const rows = page.edges.map((e) => ({ kase: e.node, customer: byId.get(e.node.customerId) ?? null }));
  return { view, rows, pageInfo: page.pageInfo, total, offers, now: new Date(), user };
}

/** GET /console: the agent's routing offers, then open cases assigned to me, not yet assigned, or all; paged. */
export async function showWorkList(c: Context<WidgetPageEnv>) {
  return renderPage(c, c.var.view, <WorkListPage {...await loadWorkList(c)} />);
}

/** The work list again, with why an offer form was refused (a foreign or lapsed offer, a missing reason). */
export async function showWorkListWithProblem(c: Context<WidgetPageEnv>, problem: OfferProblem, status: 404 | 409 | 422) {
  return renderPage(c, c.var.view, <WorkListPage {...await loadWorkList(c)} problem={problem} />, status);
}
