/**
 * An integrator's look at a tenant: the customer 360, the cases of one status (`--status`, OPEN
 * by default) page by page and, with `--create-case <subject>`, a new case for the first
 * customer. Prints one JSON object.
 *
 *   MOSAIC_URL=http://127.0.0.1:4000 MOSAIC_API_KEY=mos_... npm start [-- --create-case "Refund"]
 */
import { parseArgs } from 'node:util';
import type { CaseStatus, CasesPageQuery, CreateCaseMutation } from './gql/graphql.js';
import { MosaicError, mosaicClient, type MosaicClient } from './mosaic.js';
import { CasesPage, CreateCase, Customer360 } from './operations.js';

/** The statuses `--status` takes; the compiler checks each against the generated union. */
const CASE_STATUSES = ['NEW', 'OPEN', 'PENDING', 'SOLVED', 'CLOSED'] as const satisfies readonly CaseStatus[];

type CaseRow = CasesPageQuery['cases']['edges'][number]['node'];
type CreatedCase = NonNullable<CreateCaseMutation['createCase']>['case'];

/** Follows endCursor until the last page, or `maxPages`, whichever comes first. */
async function casesWithStatus(client: MosaicClient, status: CaseStatus, pageSize: number, maxPages: number) {
  const rows: CaseRow[] = [];
  let after: string | null = null;
  let pages = 0;
  let total = 0;
  while (pages < maxPages) {
    const { cases }: CasesPageQuery = await client.request(CasesPage, { first: pageSize, after, filter: { status } });
    pages += 1;
    total = cases.totalCount;
    rows.push(...cases.edges.map((e) => e.node));
    if (!cases.pageInfo.hasNextPage) break;
    after = cases.pageInfo.endCursor ?? null;
  }
  return { status, total, pages, cases: rows };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'create-case': { type: 'string' },
      customers: { type: 'string', default: '5' },
      'page-size': { type: 'string', default: '20' },
      status: { type: 'string', default: 'OPEN' },
    },
  });
  const apiKey = process.env.MOSAIC_API_KEY;
  if (!apiKey) throw new Error('set MOSAIC_API_KEY to an API key of your tenant');
  const client = mosaicClient({ url: process.env.MOSAIC_URL ?? 'http://127.0.0.1:4000', apiKey });

  const { customers } = await client.request(Customer360, { customers: Number(values.customers), items: 10 });
  const view = customers.edges.map(({ node }) => ({
    id: node.id,
    name: node.name,
    account: node.account?.name ?? null,
    timeline: node.timeline.edges.map(({ at, node: item }) => {
      switch (item.__typename) {
        case 'Interaction': return { at, type: item.__typename, id: item.id, summary: `${item.direction} ${item.channel}: ${item.subject ?? item.body.slice(0, 40)}` };
        case 'Case': return { at, type: item.__typename, id: item.id, summary: `case #${item.number} ${item.status}: ${item.subject}` };
        case 'Order': return { at, type: item.__typename, id: item.id, summary: `order ${item.orderNumber} ${item.orderStatus}: ${item.total.amount} ${item.total.currency}` };
      }
    }),
  }));
  const status = CASE_STATUSES.find((s) => s === values.status);
  if (!status) throw new Error(`--status takes one of ${CASE_STATUSES.join(', ')}`);
  const listed = await casesWithStatus(client, status, Number(values['page-size']), 3);

  let created: CreatedCase | null = null;
  const subject = values['create-case'];
  const customer = view[0];
  if (subject !== undefined && customer) {
    const result = await client.request(CreateCase, { input: { customerId: customer.id, subject, priority: 'HIGH', channel: 'EMAIL' } });
    // Mutation payloads are nullable: a failed mutation has an error and a null payload.
    created = result.createCase?.case ?? null;
  }
  process.stdout.write(`${JSON.stringify({ customers: view, cases: listed, created }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  // One line a person can act on, with Mosaic's error code first.
  process.stderr.write(`integrator-client: ${err instanceof MosaicError ? err.message : String(err)}\n`);
  process.exit(1);
});
