import { collectSubFields, getArgumentValues } from '@graphql-tools/utils';
import {
  getNamedType, getNullableType, isListType, isObjectType,
  type FieldNode, type GraphQLFieldResolver, type GraphQLOutputType,
  type GraphQLResolveInfo, type GraphQLSchema,
} from 'graphql';
import { isPromiseLike } from '../lib/promise-like.js';

/**
 * Fields of a list's items resolved a list at a time, ahead of GraphQL's call for each item.
 *
 * A field batched through a DataLoader (a plugin field's sandbox call, an order's lines) gives
 * each of a list's items a promise of its own, and the executor then awaits every item object
 * and edge that holds one. For a 50-order page, that promise work and its garbage cost more than
 * a kept plugin result or the lines' one query. Here a field whose value reaches such items
 * through lists and plain fields (`Customer.orders` → `edges` → `node`) looks at the query's
 * selection when its own value is ready, sends every item's parents of each selected field as
 * one batch, and resolves once the answers are in; each item's field then answers at once.
 *
 * Anything not answered ahead (an abstract type on the way, a field under @defer, a single
 * parent) still goes through the field's own resolver and its DataLoader, so what a query
 * answers is the same either way; only how many promises it takes changes.
 */

/** How one field is sent ahead: its answers by parent, as its resolver would give them. */
export interface FieldAhead {
  /** The answer key its resolver looks under (whose field it is, and the arguments). */
  keyOf(args: Record<string, unknown>): string;
  /** One answer per parent (a value, or an Error for that parent's field), as its batch resolves them. */
  resolve(context: object, parents: readonly object[], args: Record<string, unknown>): Promise<readonly unknown[]>;
}

/** How many levels of plain (property) fields the lookahead follows from a wrapped field to the items. */
const MAX_HOPS = 3;

/** The answers sent ahead, by the request's scope (see `answersScope`), parent and answer key. */
const answered = new WeakMap<object, Map<object, Map<string, unknown>>>();

export const NOT_ANSWERED: unique symbol = Symbol('not answered ahead');

/**
 * What a request's answers are kept under: its database loaders, which a subscription renews for
 * each event of its one long-lived context, so no event is answered from an earlier one.
 */
function answersScope(context: object): object {
  return (context as { loaders?: object }).loaders ?? context;
}

/** The answer sent ahead for this parent's field under `key` in this request, if there is one. */
export function answeredAhead(context: object, parent: unknown, key: string): unknown {
  if (parent === null || typeof parent !== 'object') return NOT_ANSWERED;
  const answers = answered.get(answersScope(context))?.get(parent);
  return answers && answers.has(key) ? answers.get(key) : NOT_ANSWERED;
}

function keep(context: object, parent: object, key: string, answer: unknown): void {
  const scope = answersScope(context);
  let byParent = answered.get(scope);
  if (!byParent) answered.set(scope, (byParent = new Map()));
  let answers = byParent.get(parent);
  if (!answers) byParent.set(parent, (answers = new Map()));
  answers.set(key, answer);
}

/** A wrapped resolver's own, so that a schema extended from a wrapped one is wrapped once, anew. */
const UNWRAPPED = Symbol('resolver before lookahead');

/**
 * Wraps each resolver-backed field of `schema` whose value reaches, through lists and plain
 * fields, items of a type with fields sent ahead (`ahead`, by `Type.field`). A field already
 * wrapped (carried over from the schema this one extends) is wrapped again from its own resolver.
 */
export function resolveListsAhead(schema: GraphQLSchema, ahead: ReadonlyMap<string, FieldAhead>): void {
  if (ahead.size === 0) return;
  const withFieldsAhead = new Set([...ahead.keys()].map((coordinate) => coordinate.split('.')[0]));
  const reachesItems = (type: GraphQLOutputType, hops: number, throughList: boolean): boolean => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) return reachesItems(nullable.ofType, hops, true);
    if (!isObjectType(nullable)) return false;
    if (throughList && withFieldsAhead.has(nullable.name)) return true;
    return hops > 0 && Object.values(nullable.getFields()).some((f) => !f.resolve && reachesItems(f.type, hops - 1, throughList));
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const own = unwrapped(field.resolve);
      if (own !== field.resolve) field.resolve = own;
      if (own && !ahead.has(`${type.name}.${field.name}`) && reachesItems(field.type, MAX_HOPS, false)) {
        field.resolve = lookingAhead(own, ahead);
      }
    }
  }
}

function unwrapped(resolve: GraphQLFieldResolver<unknown, unknown> | undefined): GraphQLFieldResolver<unknown, unknown> | undefined {
  return (resolve as { [UNWRAPPED]?: GraphQLFieldResolver<unknown, unknown> } | undefined)?.[UNWRAPPED] ?? resolve;
}

function lookingAhead(resolve: GraphQLFieldResolver<unknown, unknown>, ahead: ReadonlyMap<string, FieldAhead>): GraphQLFieldResolver<unknown, unknown> {
  // The items of one list share a plan; so do the lists of one request (each customer's orders).
  const plans = new WeakMap<readonly FieldNode[], WeakMap<object, Plan | null>>();
  const planOf = (info: GraphQLResolveInfo): Plan | null => {
    let byVariables = plans.get(info.fieldNodes);
    if (!byVariables) plans.set(info.fieldNodes, (byVariables = new WeakMap()));
    let plan = byVariables.get(info.variableValues);
    if (plan === undefined) byVariables.set(info.variableValues, (plan = planFor(info.returnType, info.fieldNodes, MAX_HOPS, info, ahead)));
    return plan;
  };
  const wrapped: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
    const value = resolve(source, args, context, info);
    if (typeof context !== 'object' || context === null) return value;
    const send = (v: unknown) => sendAhead(v, context, info, planOf);
    return isPromiseLike(value) ? value.then(send) : send(value);
  };
  return Object.assign(wrapped, { [UNWRAPPED]: resolve });
}

/** One field sent ahead, with one set of arguments, and the parents selecting it. */
interface Batch {
  field: FieldAhead;
  args: Record<string, unknown>;
  parents: object[];
}

/**
 * What a selection asks of values of one type, worked out once for all the items of a list:
 * the fields to batch on each value (by answer key), and the plain fields to follow.
 */
interface Plan {
  type: GraphQLOutputType;
  batches: { key: string; field: FieldAhead; args: Record<string, unknown> }[];
  follow: { name: string; plan: Plan }[];
}

/** Sends every batch the selection under `info` holds for `value`; resolves to `value` once all are answered. */
function sendAhead(value: unknown, context: object, info: GraphQLResolveInfo, planOf: (info: GraphQLResolveInfo) => Plan | null): unknown {
  const batches = new Map<string, Batch>();
  try {
    const plan = planOf(info);
    if (plan) collect(value, plan, batches);
  } catch {
    return value; // left to each item's own resolver
  }
  if (batches.size === 0) return value;
  return Promise.all([...batches].map(async ([key, { field, args, parents }]) => {
    try {
      const answers = await field.resolve(context, parents, args);
      parents.forEach((parent, i) => keep(context, parent, key, answers[i]));
    } catch (err) {
      // Each item's field fails with the batch's error, as through the DataLoader.
      for (const parent of parents) keep(context, parent, key, err instanceof Error ? err : new Error(String(err)));
    }
  })).then(() => value);
}

/** The plan for values of `type` under `fieldNodes`; null when nothing below asks for a field sent ahead. */
function planFor(
  type: GraphQLOutputType, fieldNodes: readonly FieldNode[], hops: number, info: GraphQLResolveInfo, ahead: ReadonlyMap<string, FieldAhead>,
): Plan | null {
  const objectType = getNamedType(type);
  if (!isObjectType(objectType)) return null;
  const plan: Plan = { type, batches: [], follow: [] };
  const keys = new Set<string>();
  const { fields } = collectSubFields(info.schema, info.fragments, info.variableValues, objectType, fieldNodes as FieldNode[]);
  const defs = objectType.getFields();
  for (const nodes of fields.values()) {
    const name = nodes[0]!.name.value;
    const def = defs[name];
    if (!def) continue;
    const field = ahead.get(`${objectType.name}.${name}`);
    if (field) {
      const args = getArgumentValues(def, nodes[0]!, info.variableValues);
      const key = field.keyOf(args);
      // Aliases of one field with the same arguments share its answer.
      if (!keys.has(key)) plan.batches.push({ key, field, args });
      keys.add(key);
    } else if (!def.resolve && hops > 0) {
      const inner = planFor(def.type, nodes, hops - 1, info, ahead);
      if (inner) plan.follow.push({ name, plan: inner });
    }
  }
  return plan.batches.length || plan.follow.length ? plan : null;
}

function collect(value: unknown, plan: Plan, batches: Map<string, Batch>, type: GraphQLOutputType = plan.type): void {
  // A promise the executor would await is not a parent yet: its items go through their own resolvers.
  if (value === null || typeof value !== 'object' || value instanceof Error || isPromiseLike(value)) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return;
    for (const item of value) collect(item, plan, batches, nullable.ofType);
    return;
  }
  for (const { key, field, args } of plan.batches) {
    let batch = batches.get(key);
    if (!batch) batches.set(key, (batch = { field, args, parents: [] }));
    batch.parents.push(value);
  }
  for (const { name, plan: inner } of plan.follow) {
    const next = (value as Record<string, unknown>)[name];
    if (typeof next !== 'function') collect(next, inner, batches);
  }
}
