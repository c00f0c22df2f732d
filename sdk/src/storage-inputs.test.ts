import { describe, expect, it } from 'vitest';
import { checkManifestInputs } from './input-rules.js';
import { followedKeys, STORAGE_INPUT_LIMITS, storageInputProblems, storageReadPlan } from './storage-inputs.js';

const storageKeysOf = (templates: readonly string[], parents: readonly unknown[]) => storageReadPlan(templates, parents).keys;

const INPUT = 'fragment A on Order { id orderNumber total { amount } n: orderStatus }';

describe('storageInputProblems', () => {
  it('accepts constant keys and keys made from top-level scalar fields, aliases included', () => {
    expect(storageInputProblems('Order.acme_x_eta', ['settings', 'order:{id}', 'pair:{orderNumber}:{n}'], INPUT)).toEqual([]);
  });

  it('refuses placeholders the input does not select at its top level as a scalar, stray braces, bad keys and repeats', () => {
    expect(storageInputProblems('Order.acme_x_eta', ['by:{placedAt}', 'by:{total}', 'a{b', 'tab\tkey', 'order:{id}', 'order:{id}'], INPUT)).toEqual([
      'storageInputs.Order.acme_x_eta: "by:{placedAt}" names {placedAt}, which is not a top-level scalar field of the declared input',
      'storageInputs.Order.acme_x_eta: "by:{total}" names {total}, which is not a top-level scalar field of the declared input',
      'storageInputs.Order.acme_x_eta: "a{b": braces may only enclose an input field\'s name, as in order:{id}, or one key to follow and [], as in summary:{order:{id}[]}',
      'storageInputs.Order.acme_x_eta: "tab\tkey" contains the control character U+0009',
      'storageInputs.Order.acme_x_eta: "order:{id}" is declared twice',
    ]);
  });

  it('needs a declared input, and bounds templates and placeholders', () => {
    expect(storageInputProblems('Order.acme_x_eta', ['order:{id}'], undefined)).toEqual([
      'storageInputs.Order.acme_x_eta: declares storage keys but no input; add inputs.Order.acme_x_eta (the keys are made from its fields)',
    ]);
    const many = Array.from({ length: STORAGE_INPUT_LIMITS.templatesPerField + 1 }, (_, i) => `k${i}`);
    expect(storageInputProblems('Order.acme_x_eta', many, INPUT)).toEqual([`storageInputs.Order.acme_x_eta: declares ${many.length} keys; the limit is 8`]);
    expect(storageInputProblems('Order.acme_x_eta', ['{id}{id}{id}{id}{id}'], INPUT)).toEqual([
      'storageInputs.Order.acme_x_eta: "{id}{id}{id}{id}{id}" has 5 placeholders; the limit is 4',
    ]);
  });

  it('is part of the manifest check, which asks for the storage scope', () => {
    const manifest = {
      id: 'acme.x', scopes: ['orders:read'], resolvers: ['Order.acme_x_eta'], schema: 'extend type Order { acme_x_eta: String }',
      inputs: { 'Order.acme_x_eta': 'fragment A on Order { id }' }, storageInputs: { 'Order.acme_x_eta': ['eta:{id}', 'eta:{number}'] },
    };
    expect(checkManifestInputs(manifest).problems).toEqual([
      'storageInputs.Order.acme_x_eta: "eta:{number}" names {number}, which is not a top-level scalar field of the declared input',
      "storageInputs.Order.acme_x_eta: reading storage needs the 'storage' scope, which the manifest does not request (add it to manifest.scopes)",
    ]);
    // The registry leaves scopes to the installer.
    expect(checkManifestInputs(manifest, { checkScopes: false }).problems).toHaveLength(1);
  });
});

describe('storageReadPlan keys', () => {
  it('makes each template\'s key for every parent, in order, once each', () => {
    const parents = [{ id: 'o1', n: 'SHIPPED' }, { id: 'o2', n: 'SHIPPED' }, { id: 'o1', n: 'SHIPPED' }];
    expect(storageKeysOf(['settings', 'order:{id}', 'state:{n}'], parents)).toEqual(['settings', 'order:o1', 'state:SHIPPED', 'order:o2']);
  });

  it('skips a parent whose field is missing, not a string or finite number, or makes a key the rules refuse', () => {
    const long = 'x'.repeat(600);
    const parents = [null, 'text', { id: 7 }, { id: Infinity }, { id: null }, { id: { nested: true } }, {}, { id: long }, { id: 'a\u0000b' }, { id: 'ok' }];
    expect(storageKeysOf(['o:{id}'], parents)).toEqual(['o:7', 'o:ok']);
  });

  it('reads own fields only and stops at the limit', () => {
    expect(storageKeysOf(['o:{constructor}'], [{}])).toEqual([]);
    const parents = Array.from({ length: 150 }, (_, i) => ({ id: `o${i}` }));
    const keys = storageKeysOf(['o:{id}'], parents);
    expect(keys).toHaveLength(STORAGE_INPUT_LIMITS.keysPerCall);
    expect(keys.at(-1)).toBe('o:o99');
  });
});

describe('followed templates', () => {
  it('are checked like the key they follow, and must be alone in their template', () => {
    expect(storageInputProblems('Order.acme_x_eta', ['summary:{order:{id}[]}', 'all:{index[]}:v1'], INPUT)).toEqual([]);
    expect(storageInputProblems('Order.acme_x_eta', ['s:{order:{placedAt}[]}', 's:{id}:{order:{id}[]}', 's:{o:{x:{id}}[]}', 's:{order:{id}}', 'bad\t:{order:{id}[]}'], INPUT)).toEqual([
      'storageInputs.Order.acme_x_eta: "s:{order:{placedAt}[]}" names {placedAt}, which is not a top-level scalar field of the declared input',
      'storageInputs.Order.acme_x_eta: "s:{id}:{order:{id}[]}": braces may only enclose an input field\'s name, as in order:{id}, or one key to follow and [], as in summary:{order:{id}[]}',
      'storageInputs.Order.acme_x_eta: "s:{o:{x:{id}}[]}": braces may only enclose an input field\'s name, as in order:{id}, or one key to follow and [], as in summary:{order:{id}[]}',
      'storageInputs.Order.acme_x_eta: "s:{order:{id}}": braces may only enclose an input field\'s name, as in order:{id}, or one key to follow and [], as in summary:{order:{id}[]}',
      'storageInputs.Order.acme_x_eta: "bad\t:{order:{id}[]}" contains the control character U+0009',
    ]);
  });

  it('read the followed key first, then a key for each string it holds', () => {
    const plan = storageReadPlan(['order:{id}', 'summary:{order:{id}[]}', 'note:{order:{id}[]}:v'], [{ id: 'o1' }, { id: 'o2' }, { id: 'o3' }]);
    expect(plan.keys).toEqual(['order:o1', 'order:o2', 'order:o3']);
    const stored = new Map<string, unknown>([['order:o1', ['A', 'B']], ['order:o2', 'C'], ['order:o3', [7, null, { x: 1 }, 'A', 'bad\u0000']]]);
    expect(followedKeys(plan, (key) => stored.get(key))).toEqual(['summary:A', 'summary:B', 'note:A:v', 'note:B:v', 'summary:C', 'note:C:v']);
  });

  it('add at most as many keys again as a call reads first', () => {
    const plan = storageReadPlan(['summary:{order:{id}[]}'], Array.from({ length: 60 }, (_, i) => ({ id: `o${i}` })));
    expect(plan.keys).toHaveLength(60);
    const keys = followedKeys(plan, (key) => [`${key}:a`, `${key}:b`]);
    expect(keys).toHaveLength(STORAGE_INPUT_LIMITS.followedPerCall);
    expect(keys.slice(0, 3)).toEqual(['summary:order:o0:a', 'summary:order:o0:b', 'summary:order:o1:a']);
  });
});
