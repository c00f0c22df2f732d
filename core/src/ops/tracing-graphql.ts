import { context, trace, type Span } from '@opentelemetry/api';
import {
  defaultFieldResolver, getOperationAST, isObjectType, type DocumentNode, type GraphQLFieldResolver, type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { ServerContext } from '../graphql/context.js';
import { isPromiseLike } from '../lib/promise-like.js';
import { eventErrorCode } from '../graphql/plugins/operation-metrics.js';
import { ATTR_ERROR_CODE, ATTR_TENANT_ID, mosaicTracer, recordFailure } from './tracing.js';

/** On a subscription's span: how many events its stream sent before it ended. */
export const ATTR_SUBSCRIPTION_EVENTS = 'mosaic.subscription.events';

/** Client-chosen operation names are cut to this in span names and attributes. */
const MAX_OPERATION_NAME_CHARS = 100;

/**
 * Ends `span` once `result` settles (or now), marking it failed on an error; left open on success
 * when `keepOpen` says so by then (a subscription's stream ends it).
 */
function endWith<T>(span: Span, result: T, keepOpen?: () => boolean): T {
  if (!isPromiseLike(result)) {
    if (!keepOpen?.()) span.end();
    return result;
  }
  return Promise.resolve(result).then((value) => {
    if (!keepOpen?.()) span.end();
    return value;
  }, (err: unknown) => {
    recordFailure(span, err, codeOf(err));
    span.end();
    throw err;
  }) as T;
}

/** A GraphQL error's stable code (extensions.code), when it carries one. */
const codeOf = (error: unknown): string | undefined => {
  const code = (error as { extensions?: { code?: unknown }; code?: unknown } | null)?.extensions?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** Runs `fn` (sync or async) and ends `span` when it is done (see endWith), marked failed if it threw. */
function endingSpan<T>(span: Span, fn: () => T, keepOpen?: () => boolean): T {
  try {
    return endWith(span, fn(), keepOpen);
  } catch (err) {
    recordFailure(span, err, codeOf(err));
    span.end();
    throw err;
  }
}

/** Runs `fn` inside a child span named `name` (sync or async). */
function inSpan<T>(name: string, fn: () => T): T {
  return mosaicTracer().startActiveSpan(name, (span) => endingSpan(span, fn));
}

/** Resolvers already wrapped: a schema extended from a wrapped one copies them. */
const tracedResolvers = new WeakSet<GraphQLFieldResolver<unknown, unknown>>();

function traceField(type: GraphQLObjectType, fieldName: string): void {
  const field = type.getFields()[fieldName]!;
  const resolve = field.resolve ?? defaultFieldResolver;
  if (tracedResolvers.has(resolve)) return;
  const name = `${type.name}.${fieldName}`;
  const attributes = { 'graphql.field.name': fieldName, 'graphql.field.type': type.name };
  const traced: GraphQLFieldResolver<unknown, unknown> = (source, args, ctx, info) =>
    mosaicTracer().startActiveSpan(name, { attributes }, (span) => {
      try {
        return endWith(span, resolve(source, args, ctx, info));
      } catch (err) {
        recordFailure(span, err, codeOf(err));
        span.end();
        throw err;
      }
    });
  tracedResolvers.add(traced);
  field.resolve = traced;
}

/**
 * Wraps, once per schema, the resolvers worth a span: every root query and mutation field, and
 * every field a plugin added (those absent from the core schema). Scalar fields of core types
 * keep their resolvers: a span each would swamp a trace.
 */
function traceResolvers(schema: GraphQLSchema, core: GraphQLSchema): void {
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (root) for (const fieldName of Object.keys(root.getFields())) traceField(root, fieldName);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const coreType = core.getType(type.name);
    const coreFields = isObjectType(coreType) ? coreType.getFields() : {};
    for (const [fieldName, field] of Object.entries(type.getFields())) {
      if (!(fieldName in coreFields) && field.resolve) traceField(type, fieldName);
    }
  }
}

/** The operation's type and (capped) name, for `query CustomerPage`. */
function describe(document: DocumentNode, operationName: string | null | undefined): { type: string; name?: string } {
  const operation = getOperationAST(document, operationName ?? undefined);
  return { type: operation?.operation ?? 'unknown', name: operation?.name?.value.slice(0, MAX_OPERATION_NAME_CHARS) };
}

function name(span: Span, { type, name }: { type: string; name?: string }): void {
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
}

/**
 * One span per GraphQL operation (child of the HTTP request's), with parse and validate as child
 * spans and one span per root field and per plugin field resolver; the operation span carries
 * graphql.operation.type/name, the tenant and, on failure (parse, validation or execution), the
 * first error's code. A subscription's span lasts until its stream ends (the client leaves, the
 * server drains) and then carries the number of events sent; an event with errors adds a
 * `graphql.subscription.error` span event with its code and marks the span failed. Added to yoga
 * only while tracing is on. `core` is the schema without plugins (to tell plugin fields apart).
 */
export function graphqlTracing(core: GraphQLSchema): Plugin<ServerContext> {
  const wrapped = new WeakSet<GraphQLSchema>();
  // The operation's span by its context object (the hooks below see the same object).
  const operations = new WeakMap<object, Span>();
  // Operations whose result is a stream: their span ends with the stream, not with the operation.
  const streaming = new WeakSet<object>();
  const wrap = (schema: GraphQLSchema) => {
    if (wrapped.has(schema)) return;
    traceResolvers(schema, core);
    wrapped.add(schema);
  };
  const operationSpan = (contextValue: unknown, document: DocumentNode, operationName: string | null | undefined) => {
    const span = operations.get(contextValue as object);
    if (!span) return undefined;
    name(span, describe(document, operationName));
    const tenant = (contextValue as Partial<ServerContext>).tenant;
    if (tenant) span.setAttribute(ATTR_TENANT_ID, tenant.tenantId);
    return span;
  };
  return {
    instrumentation: {
      operation: ({ context: operationContext }, run) => {
        const span = mosaicTracer().startSpan('graphql');
        operations.set(operationContext, span);
        return context.with(trace.setSpan(context.active(), span), () => endingSpan(span, run, () => streaming.has(operationContext)));
      },
      parse: (_, run) => inSpan('graphql.parse', run),
      validate: (_, run) => inSpan('graphql.validate', run),
    },
    onParse({ context: operationContext }) {
      return ({ result }) => {
        const span = operations.get(operationContext);
        if (span && result instanceof Error) recordFailure(span, result, codeOf(result) ?? 'GRAPHQL_PARSE_FAILED');
      };
    },
    // Named here already, so an operation refused by validation is told by its name too.
    onValidate({ context: operationContext, params }) {
      const span = operations.get(operationContext);
      if (!span) return;
      const sent = (operationContext as { params?: { operationName?: string | null } }).params?.operationName;
      name(span, describe(params.documentAST, sent));
      return ({ valid, result }) => {
        if (!valid) recordFailure(span, result[0], codeOf(result[0]) ?? 'GRAPHQL_VALIDATION_FAILED');
      };
    },
    onSubscribe({ args }) {
      // A plugin field on a payload gets its span as on a query result.
      wrap(args.schema);
      const span = operationSpan(args.contextValue, args.document, args.operationName);
      if (!span) return;
      let ended = false;
      let events = 0;
      const end = () => {
        if (ended) return;
        ended = true;
        span.setAttribute(ATTR_SUBSCRIPTION_EVENTS, events);
        span.end();
      };
      return {
        onSubscribeResult: ({ result }) => {
          if (!isAsyncIterable(result)) {
            // Refused before a stream started (NOT_FOUND, TOO_MANY_SUBSCRIPTIONS): the operation's span says why.
            const first = result.errors?.[0];
            if (first) recordFailure(span, first, codeOf(first) ?? 'INTERNAL_SERVER_ERROR');
            return undefined;
          }
          streaming.add(args.contextValue as object);
          return {
            onNext: ({ result: event }: { result: { errors?: readonly unknown[] } }) => {
              events += 1;
              const first = event.errors?.[0];
              if (!first) return;
              const code = eventErrorCode(first);
              span.addEvent('graphql.subscription.error', { [ATTR_ERROR_CODE]: code, 'mosaic.subscription.event': events, 'mosaic.error.count': event.errors!.length });
              recordFailure(span, first, code);
            },
            onEnd: end,
          };
        },
        // The stream itself failed (its source threw): it ends here.
        onSubscribeError: ({ error }) => {
          recordFailure(span, error, eventErrorCode(error));
          end();
        },
      };
    },
    onExecute({ args }) {
      wrap(args.schema);
      const span = operationSpan(args.contextValue, args.document, args.operationName);
      if (!span) return;
      return {
        onExecuteDone: ({ result }) => {
          if (isAsyncIterable(result)) return;
          const first = result.errors?.[0];
          if (first) recordFailure(span, first, codeOf(first) ?? 'INTERNAL_SERVER_ERROR');
        },
      };
    },
  };
}
