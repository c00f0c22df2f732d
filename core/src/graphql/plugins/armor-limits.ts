import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServerConfig } from '../../config.js';
import { REQUEST_REFUSED } from '../errors.js';

/**
 * graphql-armor reports plain errors whose message starts with "Syntax Error: " although the
 * document parsed fine (it has no option to change that); ours drop the prefix and carry the
 * stable code clients branch on and the HTTP status of a request refused before execution.
 */
const tagTooComplex = (_: unknown, error: GraphQLError) => {
  error.message = error.message.replace(/^Syntax Error: /, '');
  Object.assign(error.extensions as Record<string, unknown>, { code: 'QUERY_TOO_COMPLEX', http: REQUEST_REFUSED });
};

/** Structural limits checked while parsing and validating, before anything executes. */
export function armorLimits(limits: ServerConfig['limits']): Plugin[] {
  const common = { onReject: [tagTooComplex], propagateOnRejection: true, exposeLimits: true };
  return [
    maxTokensPlugin({ n: limits.maxTokens, ...common }),
    maxDepthPlugin({ n: limits.maxDepth, ...common, flattenFragments: true }),
    maxAliasesPlugin({ n: limits.maxAliases, ...common }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...common }),
    costLimitPlugin({ maxCost: limits.maxStructuralCost, ...common }),
  ] as Plugin[];
}
