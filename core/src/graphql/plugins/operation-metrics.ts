import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { AppError } from '../../lib/errors.js';
import type { GraphQLMetrics } from '../../ops/metrics.js';
import type { ServerContext } from '../context.js';

interface Operation {
  name: string;
  type: string;
}

/** The first error's code, as the client saw it (masked errors carry INTERNAL_SERVER_ERROR). */
const codeOf = (error: unknown): string => {
  const code = error instanceof GraphQLError || (typeof error === 'object' && error !== null)
    ? (error as { extensions?: { code?: unknown } }).extensions?.code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z_]{0,63}$/.test(code) ? code : 'INTERNAL_SERVER_ERROR';
};

/**
 * The code of an error in a subscription's event. Hooks on a stream's events see its errors
 * before yoga masks them, so an AppError thrown by a resolver is still the original: its code is
 * the one the client gets; anything else uncoded is masked as INTERNAL_SERVER_ERROR.
 */
export const eventErrorCode = (error: unknown): string => {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  return original instanceof AppError && !(error as GraphQLError).extensions.code ? original.code : codeOf(error);
};

/**
 * Counts GraphQL operations by name (capped: see BoundedLabels), type and code (`OK` or the
 * first error's), times them from the request's arrival to the result, counts every error by
 * code, and adds each charged operation's cost to its tenant's counter. Operations refused before
 * they parse are labelled with the name the client sent (capped too) and type `unknown`. A
 * subscription counts once when its stream starts (or is refused); the errors of its later events
 * are counted as they are sent.
 */
export function operationMetrics(metrics: GraphQLMetrics): Plugin<ServerContext> {
  const started = new WeakMap<Request, number>();
  const operations = new WeakMap<Request, Operation>();
  const describe = (request: Request, document: DocumentNode, operationName: string | null | undefined) => {
    const operation = getOperationAST(document, operationName ?? undefined);
    operations.set(request, { name: metrics.names.label(operation?.name?.value), type: operation?.operation ?? 'unknown' });
  };
  // Charged operations carry their price in the context (the cost plugin sets it only then).
  const charge = (context: Partial<ServerContext> & { queryCost?: number }) => {
    if (context.tenant && typeof context.queryCost === 'number' && context.queryCost > 0) {
      metrics.cost.inc({ tenant: context.tenant.tenantId }, context.queryCost);
    }
  };
  const charged: ReturnType<NonNullable<Plugin<ServerContext>['onExecute']>> = {
    onExecuteDone: ({ args: done }) => charge(done.contextValue as never),
  };
  return {
    onRequest({ request }) {
      started.set(request, performance.now());
    },
    onParams({ params, request }) {
      operations.set(request, { name: metrics.names.label(params.operationName), type: 'unknown' });
    },
    // Validation has the document: an operation refused there is still told by its name and type.
    onValidate({ params, context }) {
      const { request, params: sent } = context as unknown as { request: Request; params?: { operationName?: string | null } };
      describe(request, params.documentAST, sent?.operationName);
    },
    onExecute({ args }) {
      const { request } = args.contextValue as unknown as { request: Request };
      // Validation described it already, unless something ran it without validating.
      if ((operations.get(request)?.type ?? 'unknown') === 'unknown') describe(request, args.document, args.operationName);
      return charged;
    },
    onSubscribe({ args }) {
      const { request } = args.contextValue as unknown as { request: Request };
      describe(request, args.document, args.operationName);
      return {
        onSubscribeResult: ({ args: done, result }) => {
          charge(done.contextValue as never);
          if (!isAsyncIterable(result)) return undefined;
          return {
            onNext: ({ result: event }: { result: ExecutionResult }) => {
              if (!event.errors?.length) return;
              const { name } = operations.get(request) ?? { name: 'anonymous' };
              for (const error of event.errors) metrics.errors.inc({ operation: name, code: eventErrorCode(error) });
            },
          };
        },
      };
    },
    onResultProcess({ request, result }) {
      const operation = operations.get(request) ?? { name: 'anonymous', type: 'unknown' };
      const at = started.get(request);
      if (at !== undefined) metrics.duration.observe({ operation: operation.name, type: operation.type }, (performance.now() - at) / 1000);
      // A stream that started is OK; the errors of its events are counted as they are sent (above).
      const results = isAsyncIterable(result) ? [{}] : Array.isArray(result) ? result : [result];
      for (const one of results as { errors?: readonly unknown[] }[]) {
        const errors = one.errors ?? [];
        metrics.operations.inc({ operation: operation.name, type: operation.type, code: errors.length ? codeOf(errors[0]) : 'OK' });
        for (const error of errors) metrics.errors.inc({ operation: operation.name, code: codeOf(error) });
      }
    },
  };
}
