import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.js';
import { createBaseSchema } from '../../graphql/schema.js';
import { composeSchema, type SchemaContribution } from './compose.js';
import { compilable } from './declared-inputs.js';
import { parse } from 'graphql';

const base = createBaseSchema();
const plugin = (id: string, field: string, input: string, extra: Partial<SchemaContribution> = {}): SchemaContribution => ({
  installationId: id, pluginId: id, version: '1.0.0', grantedScopes: ['orders:read'],
  sdl: `extend type Order { ${field}: String }`, resolvers: [`Order.${field}`], inputs: { [`Order.${field}`]: input }, ...extra,
});
const refusal = (contributions: SchemaContribution[]) => {
  try {
    composeSchema(base, contributions, () => () => null);
  } catch (err) {
    return err as AppError;
  }
  throw new Error('composed');
};

describe('declared inputs when composing a tenant\'s schema', () => {
  it('refuses inputs that select each other in a cycle', () => {
    const err = refusal([
      plugin('acme.a', 'acme_a_x', 'fragment A on Order { acme_b_y }'),
      plugin('acme.b', 'acme_b_y', 'fragment B on Order { acme_a_x }', { prospective: true }),
    ]);
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toContain('declared inputs form a cycle (Order.acme_a_x → Order.acme_b_y → Order.acme_a_x)');
  });

  it('blames the change, not the installed plugin it leaves broken', () => {
    const installed = plugin('acme.a', 'acme_a_x', 'fragment A on Order { orderNumber acme_b_y }');
    const broken = refusal([installed]);
    expect(broken.code).toBe('CONFLICT');
    expect(broken.message).toContain('this change would leave acme.a@1.0.0');
    const prospective = refusal([{ ...installed, prospective: true }]);
    expect(prospective.code).toBe('PLUGIN_INPUT_INVALID');
  });

  it('composes an input whose @optional field belongs to a plugin that is not installed, and resolves it once it is', async () => {
    const reader = plugin('acme.a', 'acme_a_x', 'fragment A on Order { orderNumber acme_b_y @optional }');
    const alone = composeSchema(base, [reader], () => () => null);
    expect(await alone.inputs.resolve('Order.acme_a_x', [{ number: 'ORD-1' }], {})).toEqual([{ ok: true, value: { orderNumber: 'ORD-1' } }]);
    const other = { ...plugin('acme.b', 'acme_b_y', 'fragment B on Order { orderNumber }'), inputs: {} };
    const both = composeSchema(base, [reader, other], (_c, _type, field) => () => `${field}!`);
    expect(await both.inputs.resolve('Order.acme_a_x', [{ number: 'ORD-1' }], {})).toEqual([{ ok: true, value: { orderNumber: 'ORD-1', acme_b_y: 'acme_b_y!' } }]);
  });

  it('checks an input against the installation\'s grant', () => {
    const err = refusal([plugin('acme.a', 'acme_a_x', 'fragment A on Order { customer { email } }', { grantedScopes: ['orders:read'], prospective: true })]);
    expect(err.code).toBe('PLUGIN_INPUT_INVALID');
    expect(err.message).toContain("'customers:read' scope");
  });
});

describe('resolving a declared input for a batch', () => {
  it('answers each parent its fields, and a parent whose field failed its error alone', async () => {
    const { inputs } = composeSchema(base, [plugin('acme.a', 'acme_a_x', 'fragment A on Order { orderNumber }')], () => () => null);
    const broken = { get number(): string { throw new AppError('FORBIDDEN', 'not yours'); } };
    const shaped = await inputs.resolve('Order.acme_a_x', [{ number: 'ORD-1' }, broken, { number: 'ORD-3' }], {});
    expect(shaped[0]).toEqual({ ok: true, value: { orderNumber: 'ORD-1' } });
    expect(shaped[1]).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'not yours' } });
    expect(shaped[2]).toEqual({ ok: true, value: { orderNumber: 'ORD-3' } });
  });

  it('compiles an input of plain field names only: an argument, a directive or a field that takes arguments leaves it to graphql-js', () => {
    const names = (text: string) => compilable(base, parse(text));
    expect(names('fragment I on Order { orderNumber orderStatus total { amount currency } customer { name } }')).toBe(true);
    expect(names('fragment I on Order { ...J } fragment J on Order { orderNumber }')).toBe(true);
    expect(names('fragment I on Order { orderNumber @include(if: true) }')).toBe(false);
    expect(names('fragment I on Order { customer { orders(first: 2) { edges { node { id } } } } }')).toBe(false);
    // No argument given, but the field takes some (a default value is the plugin author's text).
    expect(names('fragment I on Order { customer { orders { edges { node { id } } } } }')).toBe(false);
    // A selection on an interface, and names graphql-jit would join with its own underscores.
    expect(names('fragment I on Order { ... on Node { id } }')).toBe(false);
    expect(names('fragment I on Order { order_number: orderNumber }')).toBe(false);
    expect(names('fragment I on Order { __typename }')).toBe(false);
  });

  it('never compiles an input reaching a plugin\'s interface, whose implementation may add an argument with a default', async () => {
    const marker = 'globalThis.acmeInjected = true';
    const sdl = `interface Acme_A_Thing { v: String }
      type Acme_A_Impl implements Acme_A_Thing { v(x: String = "__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d${marker}"): String }
      extend type Order { acme_a_thing: Acme_A_Thing acme_a_x: String }`;
    const { inputs } = composeSchema(base, [{
      ...plugin('acme.a', 'acme_a_x', 'fragment A on Order { orderNumber acme_a_thing { v } }'),
      sdl, resolvers: ['Order.acme_a_x', 'Order.acme_a_thing', 'Acme_A_Impl.v'],
    }], () => () => null);
    await inputs.resolve('Order.acme_a_x', [{ number: 'ORD-1' }], {});
    expect(inputs.isCompiled('Order.acme_a_x')).toBe(false);
    expect((globalThis as { acmeInjected?: boolean }).acmeInjected).toBeUndefined();
  });

  it('answers a compiled input exactly as graphql-js executes it: nested objects, enums, money, null and errors', async () => {
    const fields = 'orderNumber orderStatus currency total { amount currency } placedAt';
    const { inputs } = composeSchema(base, [
      plugin('acme.a', 'acme_a_x', `fragment A on Order { ${fields} }`),
      plugin('acme.b', 'acme_b_y', `fragment B on Order { ${fields.replace('orderNumber', 'orderNumber @include(if: true)')} }`),
    ], () => () => null);
    const placedAt = '2026-11-30T10:00:00.000Z';
    const order = (number: string, status: string) => ({ number, status, currency: 'EUR', totalCents: 12345, placedAt });
    // A resolver may throw anything, a string too.
    const throwsString = { ...order('ORD-4', 'PAID'), get number(): string { throw 'not an Error'; } };
    const parents = [order('ORD-1', 'PAID'), order('ORD-2', 'NOT_A_STATUS'), { ...order('ORD-3', 'SHIPPED'), currency: 'XXX' }, throwsString];
    const compiled = await inputs.resolve('Order.acme_a_x', parents, {});
    const executed = await inputs.resolve('Order.acme_b_y', parents, {});
    expect(compiled[0]).toEqual({ ok: true, value: { orderNumber: 'ORD-1', orderStatus: 'PAID', currency: 'EUR', total: { amount: '123.45', currency: 'EUR' }, placedAt } });
    expect([inputs.isCompiled('Order.acme_a_x'), inputs.isCompiled('Order.acme_b_y')]).toEqual([true, false]);
    // The same answers and messages; a thrown non-Error is an Error either way (worded apart).
    expect(compiled.slice(0, 3)).toEqual(executed.slice(0, 3));
    expect(compiled[1]).toMatchObject({ ok: false });
    for (const shaped of [compiled[1], compiled[3], executed[3]]) {
      expect(shaped?.ok).toBe(false);
      expect(shaped?.ok === false && shaped.error).toBeInstanceOf(Error);
      // Never the place it had in the host's own wrapper query.
      expect((shaped as { error: { path?: unknown } }).error.path).toBeUndefined();
    }
  });
});
