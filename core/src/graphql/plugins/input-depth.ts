import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_INPUT_DEPTH, nestsDeeperThan } from '../../lib/input-depth.js';

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);
const OPENING_CHARS = new Set([0x7b, 0x5b, 0x28]); // { [ (

/**
 * Whether the document nests brackets deeper than `max`. graphql-js parses recursively and a
 * literal like `[[[[…]]]]` overflows its stack long before the token limit stops it, so this
 * runs before parsing: a count of opening characters settles ordinary documents at once; only
 * documents with more than `max` of them are lexed (iteratively, up to `maxTokens` tokens).
 */
function documentNestsDeeperThan(query: string, max: number, maxTokens: number): boolean {
  let openings = 0;
  for (let i = 0; i < query.length && openings <= max; i++) if (OPENING_CHARS.has(query.charCodeAt(i))) openings++;
  if (openings <= max) return false;
  try {
    const lexer = new Lexer(new Source(query));
    let depth = 0;
    for (let tokens = 0, token = lexer.advance(); token.kind !== TokenKind.EOF && tokens < maxTokens; token = lexer.advance(), tokens++) {
      if (OPENING.has(token.kind) && ++depth > max) return true;
      if (CLOSING.has(token.kind)) depth--;
    }
  } catch {
    // A lexing error is the parser's to report, with its own code.
  }
  return false;
}

const tooDeep = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });

/**
 * Refuses, with 400 BAD_USER_INPUT as soon as the request is read, variables and extensions
 * nested deeper than MAX_INPUT_DEPTH and documents whose brackets nest deeper than a selection
 * (`maxDepth`) plus an input of that depth: before parsing, coercion or cost analysis walk them
 * recursively (even variables the operation never uses).
 */
export function inputDepthLimit(limits: { maxDepth: number; maxTokens: number }): Plugin {
  const maxDocumentNesting = limits.maxDepth + MAX_INPUT_DEPTH + 2;
  return {
    onParams({ params }) {
      for (const [what, value] of [['variables', params.variables], ['extensions', params.extensions]] as const) {
        if (nestsDeeperThan(value, MAX_INPUT_DEPTH)) throw tooDeep(`${what} nest deeper than ${MAX_INPUT_DEPTH} levels; flatten them`);
      }
      if (typeof params.query === 'string' && documentNestsDeeperThan(params.query, maxDocumentNesting, limits.maxTokens)) {
        throw tooDeep(`the document nests brackets deeper than ${maxDocumentNesting} levels; flatten its arguments`);
      }
    },
  };
}
