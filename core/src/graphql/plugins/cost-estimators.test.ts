import { createRequire } from 'node:module';
import { GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createBaseSchema } from '../schema.js';
import { costEstimators, TOTAL_COUNT_COST } from './cost-estimators.js';

// The CJS build, as query-cost.ts loads it (one graphql instance).
const { getComplexity, simpleEstimator } = createRequire(import.meta.url)('graphql-query-complexity') as typeof import('graphql-query-complexity');

const schema = createBaseSchema();
const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return getComplexity({ schema, query: document, variables, estimators: [...costEstimators(document), simpleEstimator({ defaultComplexity: 1 })] });
};
const refusal = (query: string, variables: Record<string, unknown> = {}) => {
  try {
    cost(query, variables);
  } catch (error) {
    if (error instanceof GraphQLError) return { message: error.message, code: error.extensions.code, status: (error.extensions.http as { status: number }).status };
    throw error;
  }
  throw new Error('not refused');
};

describe('connection cost', () => {
  it('prices last like first', () => {
    expect(cost('{ customers(last: 50) { edges { node { id } } } }')).toBe(cost('{ customers(first: 50) { edges { node { id } } } }'));
    expect(cost('{ customers(last: 50) { edges { node { id } } } }')).toBe(1 + 50 * 3);
  });

  it('adds totalCount once per selection, however large the page, fragments and aliases included', () => {
    const page = cost('{ customers(first: 100) { edges { cursor } } }');
    expect(cost('{ customers(first: 100) { totalCount edges { cursor } } }')).toBe(page + TOTAL_COUNT_COST);
    expect(cost('{ customers(first: 100) { a: totalCount b: totalCount edges { cursor } } }')).toBe(page + 2 * TOTAL_COUNT_COST);
    expect(cost('{ customers(first: 100) { ... on CustomerConnection { totalCount } ...C edges { cursor } } } fragment C on CustomerConnection { totalCount }'))
      .toBe(page + 2 * TOTAL_COUNT_COST);
    expect(cost('{ customers(first: 0) { totalCount } }')).toBe(1 + TOTAL_COUNT_COST);
  });

  it('multiplies a nested connection\'s count by its parent page, as every nested field is', () => {
    const inner = cost('{ customers(first: 1) { edges { node { cases(first: 5) { totalCount } } } } }') - 1;
    expect(cost('{ customers(first: 10) { edges { node { cases(first: 5) { totalCount } } } } }')).toBe(1 + 10 * inner);
  });

  it('refuses a page over 100 either way, as a whole request (400), naming the argument', () => {
    expect(refusal('{ customers(last: 101) { totalCount } }')).toEqual({ message: 'last must be an integer from 0 to 100', code: 'BAD_USER_INPUT', status: 400 });
    expect(refusal('query($n: Int) { cases(first: $n) { totalCount } }', { n: 1000 })).toMatchObject({ message: 'first must be an integer from 0 to 100' });
  });
});

describe('nodes(ids:) cost', () => {
  it('costs the number of ids times a node', () => {
    const one = cost('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { name } } }', { ids: ['a'] });
    const fifty = cost('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { name } } }', { ids: Array(50).fill('a') });
    expect(fifty - 1).toBe(50 * (one - 1));
  });

  it('refuses more than 100 ids before anything runs', () => {
    expect(refusal('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array(101).fill('a') }))
      .toEqual({ message: 'ids takes at most 100 ids', code: 'BAD_USER_INPUT', status: 400 });
  });
});
