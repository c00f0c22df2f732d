import { v7 as uuidv7 } from 'uuid';
import { notFound } from './errors.js';

/** Time-ordered ids keep SQLite's primary-key B-trees append-mostly. */
export const newId = (): string => uuidv7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque Relay global id: base64url("Type:uuid"). */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

export function parseGlobalId(globalId: string): { type: string; id: string } | null {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep <= 0) return null;
  const id = decoded.slice(sep + 1);
  return UUID.test(id) ? { type: decoded.slice(0, sep), id } : null;
}

/**
 * The local id behind a global id of the expected type. A malformed id, one of another type and
 * one of another tenant all answer NOT_FOUND, the same as a missing row, so ids reveal nothing.
 */
export function localId(expectedType: string, globalId: string): string {
  const parsed = parseGlobalId(globalId);
  if (!parsed || parsed.type !== expectedType) throw notFound(expectedType);
  return parsed.id;
}
