import { describe, expect, it } from 'vitest';
import { cacheable, PluginResultCache, type ResultKeyParts } from './result-cache.js';

const parts: ResultKeyParts = {
  installationKey: 'tenant-a/inst-1/3', coordinate: 'Order.acme_x_eta', args: { first: 1 }, parents: [{ id: 'o1' }], storageJson: '{"keys":[],"values":[]}',
};

describe('PluginResultCache', () => {
  it('keys a result by every part of what the resolver was given', () => {
    const key = PluginResultCache.keyOf(parts);
    expect(key).toMatch(/^[a-f0-9]{64}$/);
    expect(PluginResultCache.keyOf({ ...parts })).toBe(key);
    const changed: Array<Partial<ResultKeyParts>> = [
      { installationKey: 'tenant-b/inst-1/3' }, { installationKey: 'tenant-a/inst-1/4' }, { coordinate: 'Order.acme_x_other' },
      { args: { first: 2 } }, { parents: [{ id: 'o2' }] }, { parents: [{ id: 'o1' }, { id: 'o1' }] }, { storageJson: undefined },
      { storageJson: '{"keys":["k"],"values":[1]}' },
    ];
    for (const change of changed) expect(PluginResultCache.keyOf({ ...parts, ...change })).not.toBe(key);
  });

  it('answers new objects each time, so no request changes another\'s', () => {
    const cache = new PluginResultCache();
    cache.set('k', [{ eta: 'soon' }], 60);
    const first = cache.get('k')!;
    (first[0] as { eta: string }).eta = 'changed';
    expect(cache.get('k')).toEqual([{ eta: 'soon' }]);
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
