/**
 * The disk under an embedded data folder fills up (a small tmpfs): writes fail with
 * DATABASE_FULL, reads keep working, and every database file passes SQLite's integrity check
 * afterwards. Needs `mount` (root with CAP_SYS_ADMIN); skipped with a message otherwise.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreProcess } from '../core-process.js';
import { localOf } from '../fixtures.js';
import type { Client } from '../harness.js';
import { prepareFaultWorld, type FaultWorld } from './fault-world.js';

const SIZE = '8m';
const BODY = 'x'.repeat(100_000);

/** Mounts a tmpfs of `SIZE` on a new folder; the reason when this machine does not allow it. */
function mountSmallDisk(): { dir: string } | { refused: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE}`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { refused: `mounting a ${SIZE} tmpfs is not permitted here (needs root with CAP_SYS_ADMIN): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}` };
  }
}

/**
 * Unmounts `dir`; libsql may hold a closed database's file a moment longer, so a busy mount is
 * tried again for a few seconds and then detached lazily (it goes once the last file closes).
 */
async function unmount(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  execFileSync('umount', ['-l', dir]);
}

const codeOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

describe('a full disk under the embedded data folder', () => {
  let disk: ReturnType<typeof mountSmallDisk>;
  let world: FaultWorld | undefined;
  let core: CoreProcess | undefined;
  let admin: Client;
  let customerId: string;

  beforeAll(async () => {
    disk = mountSmallDisk();
    if (!('dir' in disk)) return;
    ({ world, core } = await prepareFaultWorld({ MOSAIC_DATA_DIR: disk.dir }, 'disk-full'));
    admin = world.client(core);
    const created = await admin.gql('mutation { createCustomer(input: { name: "Filler", email: "filler@disk.example" }) { customer { id } } }');
    customerId = created.data!.createCustomer.customer.id;
  });
  afterAll(async () => {
    await core?.stop();
    await world?.close();
    if (disk && 'dir' in disk) {
      await unmount(disk.dir);
      rmSync(disk.dir, { recursive: true, force: true });
    }
  });

  it('writes fail with DATABASE_FULL, reads keep working, the files pass integrity_check', async (ctx) => {
    if (!('dir' in disk)) return ctx.skip(disk.refused);
    const addInteraction = () => admin.gql('mutation($i: AddInteractionInput!) { addInteraction(input: $i) { interaction { id } } }', {
      i: { customerId, channel: 'EMAIL', direction: 'INBOUND', body: BODY },
    });
    // Fill the disk: each interaction is ~100 KB; stop at the first refusal.
    let written = 0;
    let refusal: Awaited<ReturnType<typeof addInteraction>> | undefined;
    while (!refusal && written < 500) {
      const res = await addInteraction();
      if (res.errors) refusal = res;
      else written++;
    }
    expect(refusal, `no write was refused after ${written}`).toBeDefined();
    expect(refusal!.errors, JSON.stringify(refusal)).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'DATABASE_FULL' }) })]);
    expect(refusal!.status).toBe(507);
    expect(written).toBeGreaterThan(10);

    // More writes of every kind are refused with a code, whole: no interaction appears half-written.
    const again = [
      await addInteraction(),
      await admin.gql('mutation { createCustomer(input: { name: "Late", email: "late@disk.example", identities: [{ kind: SOCIAL, value: "@late", provider: "x" }] }) { customer { id } } }'),
      await admin.gql('mutation($k: String!, $v: String!) { faults_probe_remember(key: $k, value: $v) }', { k: 'full', v: 'y'.repeat(900) }),
    ];
    expect(codeOf(again[0]!), JSON.stringify(again)).toBe('DATABASE_FULL');
    expect(again[0]!.status).toBe(507);
    // A small write may find room SQLite freed at a checkpoint; then it is written whole.
    if (codeOf(again[1]!) !== undefined) {
      expect(codeOf(again[1]!), JSON.stringify(again)).toBe('DATABASE_FULL');
      expect(again[1]!.status).toBe(507);
    } else {
      const late = again[1]!.data!.createCustomer.customer.id as string;
      const read = await admin.gql('query($id: ID!) { customer(id: $id) { name identities { value } } }', { id: late });
      expect(read.data!.customer.name).toBe('Late');
      expect(read.data!.customer.identities.map((i: { value: string }) => i.value)).toContain('@late');
    }
    // A plugin's small storage write may still fit (SQLite reuses the WAL's room after a
    // checkpoint); when it does not, the plugin lets the host's DATABASE_FULL escape: PLUGIN_FAILED.
    expect(again[2]!.status).toBe(200);
    if (codeOf(again[2]!) !== undefined) expect(codeOf(again[2]!)).toBe('PLUGIN_FAILED');
    const imported = await fetch(`${core!.url}/ingest/channels/${world!.channelId}`, {
      method: 'POST', headers: { authorization: `Bearer ${world!.adminKey}` },
      body: `${JSON.stringify({ externalId: 'full-1', contact: { email: 'import@disk.example' }, body: BODY })}\n`,
    });
    const lines = (await imported.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0], JSON.stringify(lines)).toMatchObject({ row: 0, code: 'DATABASE_FULL' });
    expect(lines.at(-1)).toMatchObject({ done: true, written: 0 });

    // Reads keep working, and the database holds exactly the writes that were acknowledged
    // (the timeline also has the probe plugin's greeting of the new customer).
    const read = await admin.gql('query($id: ID!) { customer(id: $id) { name timeline(first: 1) { totalCount } } }', { id: customerId });
    expect(read.errors).toBeUndefined();
    expect(read.data!.customer.name).toBe('Filler');
    expect(read.data!.customer.timeline.totalCount).toBeGreaterThanOrEqual(written);
    const [inbound] = await world!.tenantRows("select count(*) as n from interactions where customer_id = ? and direction = 'INBOUND'", [localOf(customerId)]);
    expect(Number(inbound!.n)).toBe(written);

    // Stopped, every database file in the folder is whole.
    await core!.stop();
    core = undefined;
    await world!.close();
    world = undefined;
    const files = readdirSync(disk.dir, { recursive: true }).map(String).filter((f) => f.endsWith('.db'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const db = createClient({ url: `file:${join(disk.dir, file)}` });
      try {
        const rs = await db.execute('pragma integrity_check');
        expect([file, rs.rows.map((r) => r[0])]).toEqual([file, ['ok']]);
      } finally {
        db.close();
      }
    }
  });
});
