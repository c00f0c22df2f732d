import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantDb } from '../db/tenant-db.js';
import { signWebhook } from '../plugins/events/webhook-signature.js';
import { graphqlClient, type Gql } from '../plugins/testing/graphql-client.js';
import { startPluginTestServer, type PluginTestServer } from '../plugins/testing/plugin-test-server.js';
import { createTenant } from '../tenancy/tenants.js';

let t: PluginTestServer;
let dataA: TenantDb;
let dataB: TenantDb;
let adminB: Gql;

interface Made { id: string; secret: string }

async function makeChannel(gql: Gql, kind: string, name = `${kind} line`): Promise<Made> {
  const r = await gql('mutation($i: CreateChannelInput!) { createChannel(input: $i) { channel { id kind enabled } secret } }', { i: { kind, name } });
  expect(r.errors).toBeUndefined();
  return { id: r.data.createChannel.channel.id, secret: r.data.createChannel.secret };
}

/** Everything the tenant's database holds that intake writes, to prove a refused request wrote nothing. */
async function footprint(data: TenantDb) {
  const n = async (table: string) => ((await data.db.all(sql.raw(`select count(*) as n from ${table}`))) as { n: number }[])[0]!.n;
  return Promise.all(['interactions', 'cases', 'customers', 'identities', 'channel_messages', 'channel_threads', 'outbox'].map(n));
}

async function post(
  path: string, body: string,
  { secret, contentType = 'application/json', forge = false, bearer = false, timestamp = Math.floor(Date.now() / 1000) }:
  { secret?: string; contentType?: string; forge?: boolean; bearer?: boolean; timestamp?: number } = {},
) {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (secret && bearer) headers.authorization = `Bearer ${secret}`;
  else if (secret) {
    headers['x-mosaic-timestamp'] = String(timestamp);
    headers['x-mosaic-signature'] = signWebhook({ secret: forge ? `${secret}x` : secret, timestamp, body });
  }
  const res = await fetch(`${t.server.url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as any, duplicate: res.headers.get('x-mosaic-duplicate') };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

beforeAll(async () => {
  t = await startPluginTestServer('intake-a');
  dataA = await t.platform.tenants.get(t.tenantId);
  const b = await createTenant(t.platform.control.db, t.platform.tenants, { slug: 'intake-b' });
  dataB = await t.platform.tenants.get(b.tenant.id);
  adminB = graphqlClient(t.server.url, b.apiKey);
}, 60_000);
afterAll(async () => t?.close());

interface Case { kind: string; path: string; contentType?: string; valid: string; malformed: string; code: string }

const CASES: Case[] = [
  {
    kind: 'EMAIL', path: '/email', code: 'BAD_USER_INPUT',
    valid: JSON.stringify({ headers: { 'Message-ID': '<h1@mail.example>' }, from: 'Ann <ann.http@example.com>', subject: 'Hello', text: 'hi' }),
    malformed: JSON.stringify({ headers: {}, from: 'ann.http@example.com', text: 'no message id' }),
  },
  {
    kind: 'CHAT', path: '/chat/sessions', code: 'BAD_USER_INPUT',
    valid: JSON.stringify({ sessionId: 'sess-http-1', visitor: { name: 'Bo', email: 'bo.http@example.com' }, message: 'Hi there' }),
    malformed: JSON.stringify({ sessionId: 'sess-http-2', visitor: {} }),
  },
  {
    kind: 'SMS', path: '/sms', contentType: 'application/x-www-form-urlencoded', code: 'BAD_USER_INPUT',
    valid: form({ MessageSid: 'SM-http-1', From: '+4915112345678', To: '+4930000000', Body: 'Where is my parcel?' }),
    malformed: form({ MessageSid: 'SM-http-2', From: 'not-a-number', Body: 'x' }),
  },
  {
    kind: 'SOCIAL', path: '/social', code: 'BAD_USER_INPUT',
    valid: JSON.stringify({ type: 'direct_message', id: 'dm-http-1', author: { handle: '@cy_http', network: 'twitter' }, text: 'DM here' }),
    malformed: JSON.stringify({ type: 'retweet', id: 'x', author: { handle: '@cy', network: 'twitter' }, text: 'x' }),
  },
  {
    kind: 'PHONE', path: '/cti', contentType: 'application/x-www-form-urlencoded', code: 'BAD_USER_INPUT',
    valid: form({ event: 'newCall', callId: 'call-http-1', from: '+4930555000', to: '+4930999000', direction: 'in', 'user[]': 'Ann Agent' }),
    malformed: form({ event: 'dial', callId: 'call-http-2', from: '+4930555000', to: '+4930999000', direction: 'in' }),
  },
  {
    kind: 'VIDEO', path: '/video', code: 'BAD_USER_INPUT',
    valid: JSON.stringify({ sessionId: 'vid-http-1', event: 'started', participant: { email: 'dee.http@example.com' } }),
    malformed: JSON.stringify({ sessionId: 'vid-http-2', event: 'started', participant: { email: 'not an email' } }),
  },
  {
    kind: 'PORTAL', path: '/portal', code: 'BAD_USER_INPUT',
    valid: JSON.stringify({ submissionId: 'form-http-1', contact: { email: 'eli.http@example.com' }, subject: 'Broken', body: 'It broke' }),
    malformed: '{"submissionId": "form-http-2", ',
  },
];

describe('inbound channel endpoints', () => {
  for (const c of CASES) {
    it(`${c.kind}: valid, forged, replayed and malformed requests`, async () => {
      const channel = await makeChannel(t.admin, c.kind);
      const url = `/channels/intake-a/${channel.id}${c.path}`;
      const opts = { secret: channel.secret, contentType: c.contentType };
      const start = await footprint(dataA);

      const forged = await post(url, c.valid, { ...opts, forge: true });
      expect(forged.status).toBe(401);
      expect(forged.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const unsigned = await post(url, c.valid, { contentType: c.contentType });
      expect(unsigned.status).toBe(401);
      const stale = await post(url, c.valid, { ...opts, timestamp: Math.floor(Date.now() / 1000) - 3600 });
      expect(stale.status).toBe(401);
      expect(await footprint(dataA)).toEqual(start);

      const bad = await post(url, c.malformed, opts);
      expect(bad.status).toBe(400);
      expect(['BAD_USER_INPUT', 'BAD_REQUEST']).toContain(bad.json.errors[0].extensions.code);
      expect(await footprint(dataA)).toEqual(start);

      const ok = await post(url, c.valid, opts);
      expect(ok.status).toBe(200);
      expect(ok.duplicate).toBeNull();
      expect(Object.keys(ok.json).sort()).toEqual(['caseId', 'customerId', 'interactionId']);
      const afterFirst = await footprint(dataA);
      expect(afterFirst[0]).toBe(start[0]! + 1);

      const replay = await post(url, c.valid, opts);
      expect(replay.status).toBe(200);
      expect(replay.json).toEqual(ok.json);
      expect(replay.duplicate).toBe('true');
      expect(await footprint(dataA)).toEqual(afterFirst);
    });
  }

  it('SMS takes a signature only, never the bare secret', async () => {
    const sms = await makeChannel(t.admin, 'SMS');
    const r = await post(`/channels/intake-a/${sms.id}/sms`, form({ MessageSid: 'SM-bearer', From: '+4915100000001', Body: 'x' }),
      { secret: sms.secret, bearer: true, contentType: 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(401);
  });

  it('chat: a session carries its messages into one case; an unknown session is NOT_FOUND', async () => {
    const chat = await makeChannel(t.admin, 'CHAT');
    const base = `/channels/intake-a/${chat.id}/chat/sessions`;
    const opts = { secret: chat.secret, bearer: true };
    const started = await post(base, JSON.stringify({ sessionId: 'live-1', visitor: { email: 'fay@example.com' } }), opts);
    const said = await post(`${base}/live-1/messages`, JSON.stringify({ messageId: 'm-1', text: 'My order is late' }), opts);
    const ended = await post(`${base}/live-1/end`, '', opts);
    expect([started.status, said.status, ended.status]).toEqual([200, 200, 200]);
    expect(new Set([started.json.caseId, said.json.caseId, ended.json.caseId]).size).toBe(1);
    expect(said.json.customerId).toBe(started.json.customerId);
    const lost = await post(`${base}/nobody/messages`, JSON.stringify({ messageId: 'm-2', text: 'hello?' }), opts);
    expect(lost.status).toBe(404);
  });

  it('a call\'s newCall, answer and hangup are one interaction', async () => {
    const phone = await makeChannel(t.admin, 'PHONE');
    const url = `/channels/intake-a/${phone.id}/cti`;
    const opts = { secret: phone.secret, contentType: 'application/x-www-form-urlencoded' };
    const fields = { callId: 'c-9', from: '+4930555111', to: '+4930999000', direction: 'in' };
    const a = await post(url, form({ ...fields, event: 'newCall' }), opts);
    const b = await post(url, form({ ...fields, event: 'answer', user: 'Ann Agent' }), opts);
    const c = await post(url, form({ ...fields, event: 'hangup', cause: 'normalClearing', duration: '42' }), opts);
    expect(new Set([a.json.interactionId, b.json.interactionId, c.json.interactionId]).size).toBe(1);
  });

  it('refuses a disabled channel, an old secret after rotation, and a body over the limit', async () => {
    const mail = await makeChannel(t.admin, 'EMAIL');
    const url = `/channels/intake-a/${mail.id}/email`;
    const body = (id: string) => JSON.stringify({ headers: { 'Message-ID': `<${id}@x>` }, from: 'gil@example.com', text: 'hi' });
    const rotated = await t.admin('mutation($id: ID!) { rotateChannelSecret(id: $id) { secret } }', { id: mail.id });
    const fresh = rotated.data.rotateChannelSecret.secret as string;
    expect((await post(url, body('r1'), { secret: mail.secret })).status).toBe(401);
    expect((await post(url, body('r2'), { secret: fresh })).status).toBe(200);
    expect((await post(url, 'x'.repeat(300 * 1024), { secret: fresh })).status).toBe(413);
    await t.admin('mutation($id: ID!) { disableChannel(id: $id) { channel { enabled } } }', { id: mail.id });
    const gone = await post(url, body('r3'), { secret: fresh });
    expect(gone.status).toBe(404);
    expect(gone.json.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('a channel posted to under the wrong kind\'s path is NOT_FOUND', async () => {
    const mail = await makeChannel(t.admin, 'EMAIL');
    const r = await post(`/channels/intake-a/${mail.id}/social`, '{}', { secret: mail.secret });
    expect(r.status).toBe(404);
  });
});

describe('tenant isolation', () => {
  it('tenant A\'s channel id or secret never writes into tenant B', async () => {
    const a = await makeChannel(t.admin, 'EMAIL');
    const b = await makeChannel(adminB, 'EMAIL');
    const body = JSON.stringify({ headers: { 'Message-ID': '<cross@x>' }, from: 'hal@example.com', text: 'hi' });
    const before = [await footprint(dataA), await footprint(dataB)];
    // A's channel under B's slug: B has no such channel.
    const underB = await post(`/channels/intake-b/${a.id}/email`, body, { secret: a.secret });
    expect(underB.status).toBe(404);
    // B's channel with A's secret.
    const wrongSecret = await post(`/channels/intake-b/${b.id}/email`, body, { secret: a.secret });
    expect(wrongSecret.status).toBe(401);
    const bearer = await post(`/channels/intake-b/${b.id}/email`, body, { secret: a.secret, bearer: true });
    expect(bearer.status).toBe(401);
    // B's channel under A's slug.
    expect((await post(`/channels/intake-a/${b.id}/email`, body, { secret: b.secret })).status).toBe(404);
    expect((await post(`/channels/nobody/${b.id}/email`, body, { secret: b.secret })).status).toBe(404);
    expect([await footprint(dataA), await footprint(dataB)]).toEqual(before);
    // B's own channel and secret work, and write into B only.
    expect((await post(`/channels/intake-b/${b.id}/email`, body, { secret: b.secret })).status).toBe(200);
    expect((await footprint(dataA))).toEqual(before[0]);
    expect((await footprint(dataB))[0]).toBe(before[1]![0]! + 1);
  });

  it('tenant B\'s API key cannot see, rotate or import into tenant A\'s channel', async () => {
    const a = await makeChannel(t.admin, 'EMAIL');
    const listed = await adminB('{ channels { id } }');
    expect(listed.data.channels.map((c: { id: string }) => c.id)).not.toContain(a.id);
    const rotate = await adminB('mutation($id: ID!) { rotateChannelSecret(id: $id) { secret } }', { id: a.id });
    expect(rotate.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const ingest = await adminB('mutation($c: ID!, $r: [IngestInteractionInput!]!) { ingestInteractions(channelId: $c, rows: $r) { written } }',
      { c: a.id, r: [{ contact: { email: 'x@example.com' }, body: 'x' }] });
    expect(ingest.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });
});

describe('channels over GraphQL', () => {
  it('shows the secret once, lists channels without it, and replies on the case\'s channel', async () => {
    const sms = await makeChannel(t.admin, 'SMS', 'Support number');
    expect(sms.secret).toMatch(/^chs_/);
    const listed = await t.admin('{ channels { id kind name enabled defaultQueue { id } } }');
    expect(listed.data.channels).toContainEqual({ id: sms.id, kind: 'SMS', name: 'Support number', enabled: true, defaultQueue: null });
    expect(JSON.stringify(listed)).not.toContain(sms.secret);
    const agent = await t.keyFor('agent');
    expect((await agent.gql('{ channels { id } }')).errors![0]!.extensions!.code).toBe('FORBIDDEN');

    const inbound = await post(`/channels/intake-a/${sms.id}/sms`, form({ MessageSid: 'SM-reply', From: '+4915199999999', Body: 'help' }),
      { secret: sms.secret, contentType: 'application/x-www-form-urlencoded' });
    const reply = await agent.gql('mutation($i: ReplyOnChannelInput!) { replyOnChannel(input: $i) { interaction { direction channel body case { id } } } }',
      { i: { caseId: inbound.json.caseId, body: 'On its way' } });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.replyOnChannel.interaction).toEqual({ direction: 'OUTBOUND', channel: 'SMS', body: 'On its way', case: { id: inbound.json.caseId } });
  });

  it('ingestInteractions reports bad rows by position', async () => {
    const mail = await makeChannel(t.admin, 'EMAIL');
    const r = await t.admin('mutation($c: ID!, $r: [IngestInteractionInput!]!) { ingestInteractions(channelId: $c, rows: $r) { written duplicates errors { row code } } }', {
      c: mail.id,
      r: [
        { externalId: 'g-1', contact: { email: 'ivy.g@example.com' }, body: 'one', occurredAt: '2024-01-02T03:04:05Z' },
        { externalId: 'g-2', contact: { phone: '12' }, body: 'bad phone' },
        { externalId: 'g-1', contact: { email: 'ivy.g@example.com' }, body: 'again' },
      ],
    });
    expect(r.data.ingestInteractions).toEqual({ written: 1, duplicates: 1, errors: [{ row: 1, code: 'BAD_USER_INPUT' }] });
  });
});

describe('NDJSON import', () => {
  it('streams rows in batches, reports bad lines by row and code, and totals', async () => {
    const mail = await makeChannel(t.admin, 'EMAIL');
    const rows: string[] = [];
    for (let i = 0; i < 2500; i++) {
      if (i === 7) rows.push('{not json');
      else if (i === 1500) rows.push(JSON.stringify({ contact: {}, body: 'nobody' }));
      else rows.push(JSON.stringify({ externalId: `nd-${i}`, contact: { email: `nd${i % 40}@example.com` }, body: `row ${i} ${'x'.repeat(500)}` }));
    }
    const before = (await footprint(dataA))[0]!;
    // Larger than the API's 1 MB body limit: imports are bounded per line, not per request.
    expect(rows.join('\n').length).toBeGreaterThan(1024 * 1024);
    const res = await fetch(`${t.server.url}/ingest/channels/${mail.id}?batch=1000`, {
      method: 'POST', headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/x-ndjson' }, body: `${rows.join('\n')}\n`,
    });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'row' in l)).toEqual([
      { row: 7, code: 'BAD_USER_INPUT', message: 'the line is not JSON' },
      expect.objectContaining({ row: 1500, code: 'BAD_USER_INPUT' }),
    ]);
    expect(lines.filter((l) => 'batch' in l)).toEqual([
      { batch: 0, written: 999, duplicates: 0 }, { batch: 1, written: 999, duplicates: 0 }, { batch: 2, written: 500, duplicates: 0 },
    ]);
    expect(lines.at(-1)).toEqual({ done: true, rows: 2500, written: 2498, duplicates: 0, errors: 2 });
    expect((await footprint(dataA))[0]).toBe(before + 2498);

    const again = await fetch(`${t.server.url}/ingest/channels/${mail.id}`, {
      method: 'POST', headers: { authorization: `Bearer ${t.adminKey}` }, body: rows.slice(0, 5).join('\n'),
    });
    expect((await again.text()).trim().split('\n').map((l) => JSON.parse(l)).at(-1)).toEqual({ done: true, rows: 5, written: 0, duplicates: 5, errors: 0 });
  });

  it('needs an API key, and answers NOT_FOUND for another tenant\'s channel before reading rows', async () => {
    const mail = await makeChannel(t.admin, 'EMAIL');
    expect((await fetch(`${t.server.url}/ingest/channels/${mail.id}`, { method: 'POST', body: '{}' })).status).toBe(401);
    const b = await adminB('mutation { createChannel(input: { kind: EMAIL, name: "b" }) { channel { id } } }');
    const foreign = await fetch(`${t.server.url}/ingest/channels/${b.data.createChannel.channel.id}`, {
      method: 'POST', headers: { authorization: `Bearer ${t.adminKey}` }, body: '{}',
    });
    expect(foreign.status).toBe(404);
  });
});
