/**
 * A libsql server killed and restarted under load: while it is down every request fails with a
 * coded, retryable error (no INTERNAL_SERVER_ERROR), the core recovers by itself once it is back,
 * and no write is half-applied (each customer with exactly its one `customer.created` event).
 */
import type { CoreProcess } from '../core-process.js';
import type { SqldServer } from '../sqld-server.js';
import type { FaultWorld } from './fault-world.js';

export interface SqldRestartReport {
  requests: number;
  /** Failures by `code/HTTP status`, e.g. `DATABASE_UNAVAILABLE/503`. */
  failures: Record<string, number>;
  /** DATABASE_UNAVAILABLE answers without `retryable: true` or without a Retry-After header (must be 0). */
  notRetryable: number;
  /** Milliseconds from sqld answering again to the first write that succeeded. */
  recoveryMs: number;
  /** Requests sent more than `settleMs` after recovery that still failed (must be 0). */
  failedAfterRecovery: number;
  acknowledged: number;
  /** Acknowledged customers missing (must be 0). */
  lost: number;
  /** Customers without exactly one `customer.created` event, or events without their customer (must be 0). */
  halfApplied: number;
  /** Creations answered DATABASE_UNAVAILABLE that committed all the same (the server went away mid-commit). */
  committedThoughRefused: number;
  /**
   * What answered while sqld was down (`code/status`): a key the core had not verified yet (its
   * check needs the database) and an import.
   */
  whileDown: { uncachedKey: string; importing: string };
}

interface Outcome { sentAt: number; write: boolean; ok: boolean; key: string; retryable: boolean }

const LOOPS = 4;

/** `code/status` of a JSON error answer, or `ok/status`. */
async function answerKey(res: Response): Promise<string> {
  const body = await res.json().catch(() => ({})) as { errors?: { extensions?: { code?: string } }[] };
  return `${body.errors?.[0]?.extensions?.code ?? 'ok'}/${res.status}`;
}

/**
 * Runs load through `core`, kills `sqld` after `upMs`, restarts it after `downMs`, and watches
 * the recovery. `freshKey` is an API key of the world's tenant that `core` has not seen yet.
 */
export async function runSqldRestart(
  world: FaultWorld, core: CoreProcess, sqld: SqldServer,
  options: { upMs: number; downMs: number; settleMs: number; tag: string; freshKey: string },
): Promise<SqldRestartReport> {
  const outcomes: Outcome[] = [];
  const acknowledged: string[] = [];
  const refused: string[] = [];
  let running = true;
  let n = 0;
  const post = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(`${core.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${world.adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json() as { data?: Record<string, any> | null; errors?: { extensions?: Record<string, unknown> }[] };
    const error = body.errors?.[0]?.extensions;
    return {
      body,
      ok: !body.errors,
      key: error ? `${String(error.code)}/${res.status}` : 'ok',
      retryable: error?.code !== 'DATABASE_UNAVAILABLE' || (error.retryable === true && res.headers.get('retry-after') !== null),
    };
  };
  const loop = async (i: number) => {
    while (running) {
      const sentAt = Date.now();
      if (i % 2 === 0) {
        const email = `${options.tag}-${++n}@restart.example`;
        const answer = await post('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }', { i: { name: `Restart ${n}`, email } });
        (answer.ok ? acknowledged : refused).push(email);
        outcomes.push({ sentAt, write: true, ...answer });
      } else {
        outcomes.push({ sentAt, write: false, ...(await post('{ customers(first: 5) { totalCount edges { node { id email } } } }', {})) });
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const loops = Array.from({ length: LOOPS }, (_, i) => loop(i));
  await new Promise((r) => setTimeout(r, options.upMs));
  await sqld.kill();
  const downAt = Date.now();
  const whileDown = {
    uncachedKey: await answerKey(await fetch(`${core.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${options.freshKey}` }, body: '{"query":"{ viewer { role } }"}',
    })),
    importing: await answerKey(await fetch(`${core.url}/ingest/channels/${world.channelId}`, {
      method: 'POST', headers: { authorization: `Bearer ${world.adminKey}` }, body: '{"contact":{"email":"down@restart.example"},"body":"while down"}\n',
    })),
  };
  await new Promise((r) => setTimeout(r, Math.max(0, downAt + options.downMs - Date.now())));
  await sqld.restart();
  const upAt = Date.now();
  // Watch until a write succeeded and then `settleMs` more, or give up after 30 s.
  const deadline = upAt + 30_000;
  let recoveredAt: number | undefined;
  while (Date.now() < deadline) {
    recoveredAt ??= outcomes.find((o) => o.write && o.sentAt >= upAt && o.ok)?.sentAt;
    if (recoveredAt !== undefined && Date.now() > recoveredAt + options.settleMs * 2) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  running = false;
  await Promise.all(loops);

  const failures: Record<string, number> = {};
  for (const o of outcomes) if (!o.ok) failures[o.key] = (failures[o.key] ?? 0) + 1;
  const customers = new Map((await world.tenantRows(
    "select email, count(*) as n from customers where email like ? group by 1", [`${options.tag}-%`],
  )).map((r) => [String(r.email), Number(r.n)]));
  const [{ n: halfApplied }] = await world.tenantRows(`select
      (select count(*) from customers c where c.email like ?1 and (select count(*) from outbox o where o.type = 'customer.created' and o.subject_id = c.id) <> 1)
    + (select count(*) from outbox o where o.type = 'customer.created' and not exists (select 1 from customers c where c.id = o.subject_id)) as n`,
  [`${options.tag}-%`]) as [{ n: number }];
  return {
    requests: outcomes.length,
    failures,
    notRetryable: outcomes.filter((o) => !o.retryable).length,
    recoveryMs: recoveredAt === undefined ? Infinity : Math.max(0, recoveredAt - upAt),
    failedAfterRecovery: recoveredAt === undefined ? outcomes.length : outcomes.filter((o) => o.sentAt > recoveredAt! + options.settleMs && !o.ok).length,
    acknowledged: acknowledged.length,
    lost: acknowledged.filter((email) => customers.get(email) !== 1).length,
    halfApplied: Number(halfApplied),
    committedThoughRefused: refused.filter((email) => customers.has(email)).length,
    whileDown,
  };
}

/** The invariants a restart broke, in words (empty: all held). */
export function sqldRestartProblems(r: SqldRestartReport): string[] {
  const problems: string[] = [];
  const codes = Object.keys(r.failures).filter((k) => k !== 'DATABASE_UNAVAILABLE/503');
  if (codes.length) problems.push(`other failures: ${codes.join(', ')}`);
  if (!r.failures['DATABASE_UNAVAILABLE/503']) problems.push('no request saw the database down');
  if (r.notRetryable > 0) problems.push('not marked retryable');
  if (!Number.isFinite(r.recoveryMs)) problems.push('never recovered');
  if (r.failedAfterRecovery > 0) problems.push('failures after recovery');
  if (r.acknowledged === 0) problems.push('no write acknowledged');
  if (r.lost > 0) problems.push('acknowledged writes lost');
  if (r.halfApplied > 0) problems.push('half-applied writes');
  for (const [what, answer] of Object.entries(r.whileDown)) {
    if (answer !== 'DATABASE_UNAVAILABLE/503') problems.push(`${what} while down answered ${answer}`);
  }
  return problems;
}

