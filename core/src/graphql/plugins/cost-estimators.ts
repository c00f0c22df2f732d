import {
  Kind, getNamedType, isObjectType, type DocumentNode, type FragmentDefinitionNode, type GraphQLField, type SelectionSetNode,
} from 'graphql';
import type { ComplexityEstimator, ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../domain/page-limits.js';
import { MAX_NODE_IDS } from '../base-sdl.js';
import { requestRefused } from '../errors.js';

/**
 * What totalCount adds to its connection's cost, once per selection however large the page: one
 * COUNT query, but it reads every matching index entry where a page reads at most 101.
 */
export const TOTAL_COUNT_COST = 10;

const isConnectionName = (name: string) => name.endsWith('Connection');

const isConnection = (field: GraphQLField<unknown, unknown>) => {
  const type = getNamedType(field.type);
  return isObjectType(type) && isConnectionName(type.name);
};

function pageSizeArg(args: Record<string, unknown>, name: 'first' | 'last'): number | undefined {
  const size = args[name];
  if (size === undefined || size === null) return undefined;
  if (typeof size !== 'number' || size < 0 || size > MAX_PAGE_SIZE) {
    throw requestRefused(`${name} must be an integer from 0 to ${MAX_PAGE_SIZE}`, 'BAD_USER_INPUT');
  }
  return size;
}

/** How many totalCount fields a selection set asks for, fragments included (not nested fields). */
function totalCountSelections(
  selectionSet: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting = new Set<string>(),
): number {
  let count = 0;
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === 'totalCount') count += 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += totalCountSelections(selection.selectionSet, fragments, visiting);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || visiting.has(name)) continue; // unknown or cyclic: validation refuses it
      visiting.add(name);
      count += totalCountSelections(fragment.selectionSet, fragments, visiting);
      visiting.delete(name);
    }
  }
  return count;
}

/**
 * The estimators for one document: a connection costs its page size (first or last) times what
 * each item costs, plus a fixed price per totalCount; nodes(ids:) costs the number of ids times
 * what each node costs. Page sizes and id lists beyond their caps are refused before anything runs.
 */
export function costEstimators(document: DocumentNode): ComplexityEstimator[] {
  const fragments = new Map(document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
    .map((d) => [d.name.value, d]));

  // Priced by its connection (below), so not again for every item of the page.
  const totalCount = ({ type, field }: ComplexityEstimatorArgs) =>
    (field.name === 'totalCount' && isConnectionName(type.name) ? 0 : undefined);

  const connection = ({ field, args, node, childComplexity }: ComplexityEstimatorArgs) => {
    if (!isConnection(field)) return undefined;
    const size = pageSizeArg(args, 'first') ?? pageSizeArg(args, 'last') ?? DEFAULT_PAGE_SIZE;
    const counts = totalCountSelections(node.selectionSet, fragments);
    return 1 + counts * TOTAL_COUNT_COST + Math.max(size, 1) * childComplexity;
  };

  const nodes = ({ type, field, args, childComplexity }: ComplexityEstimatorArgs) => {
    if (type.name !== 'Query' || field.name !== 'nodes') return undefined;
    const ids = Array.isArray(args.ids) ? args.ids.length : 1;
    if (ids > MAX_NODE_IDS) throw requestRefused(`ids takes at most ${MAX_NODE_IDS} ids`, 'BAD_USER_INPUT');
    return 1 + Math.max(ids, 1) * childComplexity;
  };

  return [totalCount, connection, nodes];
}
