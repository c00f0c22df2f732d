import { localId } from '../lib/ids.js';

/** Decodes an optional global id argument; null and undefined pass through unchanged. */
export function optionalLocalId(type: string, globalId: string | null | undefined): string | null | undefined {
  return globalId === null || globalId === undefined ? globalId : localId(type, globalId);
}

export { localId };
