import type { PostalAddress } from '@mosaic/sdk';

/** A postal address as core gives it (Customer.address, Account.address). */
export type { PostalAddress };

/**
 * One string per address, so the same address always finds the same cache entry and a changed
 * one never does: every part, in envelope order, case- and space-insensitive (NFKC first, so
 * full-width and compatibility characters compare equal). Parts are kept apart by `|`, which
 * core's address rules refuse inside a part.
 */
export function normaliseAddress(address: PostalAddress): string {
  const part = (value: string | null | undefined) => (value ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return [address.line1, address.line2, address.postalCode, address.city, address.region, address.country].map(part).join('|');
}

// Storage keys hold at most 500 bytes of UTF-8; an address fits in all but extreme cases.
const MAX_READABLE_KEY_BYTES = 400;

/**
 * The storage key of an address's geocode: the normalised address itself when short enough (so
 * the store reads plainly), else a hash of it. The entry repeats the address, and a reader
 * compares it, so two addresses sharing a hash only ever cost a lookup, never a wrong answer.
 */
export function geocodeKey(normalised: string): string {
  const readable = `geocode:${normalised}`;
  return utf8Bytes(readable) <= MAX_READABLE_KEY_BYTES ? readable : `geocode:#${fnv1a(normalised)}`;
}

// The sandbox is a bare V8 isolate: no TextEncoder, so bytes are counted by code point.
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** 64-bit FNV-1a over UTF-16 code units, as hex: stable and dependency-free (not a security measure). */
function fnv1a(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
