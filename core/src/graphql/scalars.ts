import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** Date, time and an explicit offset; without one the instant would depend on the server's zone. */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Only ISO 8601 instants: `new Date()` alone also took "1" (as 2001-01-01) and rolled impossible
 * days such as 2024-02-30 over into March, silently storing a date nobody sent.
 */
function toDate(value: unknown): Date {
  const parts = typeof value === 'string' ? ISO_8601.exec(value) : null;
  const date = parts ? new Date(value as string) : null;
  const [year, month, day] = (parts ?? []).slice(1, 4).map(Number) as [number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!date || Number.isNaN(date.getTime()) || month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    throw new GraphQLError('DateTime must be an ISO 8601 string such as 2024-05-01T12:00:00Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value as number).toISOString()),
  parseValue: toDate,
  parseLiteral: (ast) => toDate(ast.kind === Kind.STRING ? ast.value : null),
});

/**
 * A scalar's behaviour without its description or specifiedByURL: graphql-tools copies every
 * property of a scalar resolver onto the SDL's type, and undefined ones would erase what the SDL
 * documents (its description and @specifiedBy).
 */
export function scalarBehaviour(scalar: GraphQLScalarType) {
  return { serialize: scalar.serialize, parseValue: scalar.parseValue, parseLiteral: scalar.parseLiteral };
}
