import { describe, expect, it } from 'vitest';
import { cacheable, PluginResultCache, type ResultKeyParts } from './result-cache.js';

const parts: ResultKeyParts = {
  installationKey: 'tenant-a/inst-1/3', coordinate: 'Order.acme_x_eta', args: { first: 1 }, parents: [{ id: 'o1' }], storageRevision: 7,
};

describe('PluginResultCache', () => {
  it('keys a result by every part of what the resolver was given', () => {
    const key = PluginResultCache.keyOf(parts);
    expect(key).toMatch(/^[a-f0-9]{64}$/);
    expect(PluginResultCache.keyOf({ ...parts })).toBe(key);
    const changed: Array<Partial<ResultKeyParts>> = [
      { installationKey: 'tenant-b/inst-1/3' }, { installationKey: 'tenant-a/inst-1/4' }, { coordinate: 'Order.acme_x_other' },
      { args: { first: 2 } }, { parents: [{ id: 'o2' }] }, { parents: [{ id: 'o1' }, { id: 'o1' }] }, { storageRevision: undefined },
      { storageRevision: 8 },
    ];
    for (const change of changed) expect(PluginResultCache.keyOf({ ...parts, ...change })).not.toBe(key);
  });

  it('answers a frozen copy, so neither the call\'s caller nor any request can change what another is answered', () => {
    const cache = new PluginResultCache();
    const result = [{ eta: 'soon', where: { lat: 1 } }];
    cache.set('k', result, 60);
    result[0]!.eta = 'changed by the first caller';
    const kept = cache.get('k')!;
    expect(kept).toEqual([{ eta: 'soon', where: { lat: 1 } }]);
    expect(() => { (kept[0] as { eta: string }).eta = 'changed'; }).toThrow(TypeError);
    expect(() => { (kept[0] as { where: { lat: number } }).where.lat = 2; }).toThrow(TypeError);
    expect(Object.isFrozen(kept)).toBe(true);
  });

  it('does not keep a result over its entry size, and drops the least recently used past the total', () => {
    const cache = new PluginResultCache({ totalChars: 30, entryChars: 20 });
    cache.set('big', ['x'.repeat(30)], 60);
    expect(cache.get('big')).toBeUndefined();
    cache.set('a', ['aaaaaaaaaa'], 60); // 14 characters of JSON each
    cache.set('b', ['bbbbbbbbbb'], 60);
    cache.get('a');
    cache.set('c', ['cccccccccc'], 60);
    expect(cache.get('a')).toEqual(['aaaaaaaaaa']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toEqual(['cccccccccc']);
  });

  it('keeps only what made no host call and failed no parent', () => {
    expect(cacheable(['a', null, { eta: 1 }], 0)).toBe(true);
    expect(cacheable(['a'], 1)).toBe(false);
    expect(cacheable(['a', { __mosaicItemError: 'no' }], 0)).toBe(false);
  });
});
