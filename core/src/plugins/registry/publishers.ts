import { eq, or } from 'drizzle-orm';
import { z } from 'zod';
import type { ControlDb } from '../../db/control.js';
import { publishers } from '../../db/control-schema.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { generatePublisherKeys } from './signing.js';

export type Publisher = typeof publishers.$inferSelect;

const createPublisherInput = z.object({
  handle: z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*$/, 'a handle is lowercase letters, digits and hyphens, e.g. acme').max(32),
  name: z.string().trim().min(1).max(120).optional(),
});

/** Registers a publisher with a fresh key pair; the private key is returned once and never stored. */
export async function createPublisher(control: ControlDb, raw: unknown): Promise<{ publisher: Publisher; privateKeyPem: string }> {
  const input = parseInput(createPublisherInput, raw);
  const [taken] = await control.select({ id: publishers.id }).from(publishers).where(eq(publishers.handle, input.handle)).limit(1);
  if (taken) throw new AppError('CONFLICT', `publisher "${input.handle}" already exists`);
  const keys = generatePublisherKeys();
  const publisher: Publisher = {
    id: newId(), handle: input.handle, name: input.name ?? input.handle, publicKey: keys.publicKey, createdAt: new Date(),
  };
  await control.insert(publishers).values(publisher);
  return { publisher, privateKeyPem: keys.privateKeyPem };
}

export async function requirePublisher(control: ControlDb, id: string): Promise<Publisher> {
  const [row] = await control.select().from(publishers).where(eq(publishers.id, id)).limit(1);
  if (!row) throw notFound(`publisher ${id}`);
  return row;
}

/** A publisher named by its id or its handle (handles are at most 32 characters, ids 36). */
export async function requirePublisherByRef(control: ControlDb, ref: string): Promise<Publisher> {
  const [row] = await control.select().from(publishers).where(or(eq(publishers.id, ref), eq(publishers.handle, ref))).limit(1);
  if (!row) throw notFound(`publisher ${ref}`);
  return row;
}
