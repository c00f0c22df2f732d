import { missingInputScopes, readDeclaredInput, type DeclaredInput } from '@mosaic/sdk/schema';
import {
  BREAK, execute, getNamedType, GraphQLError, GraphQLList, GraphQLObjectType, GraphQLSchema, isAbstractType, isIntrospectionType, Kind, parse,
  TypeInfo, visit, visitWithTypeInfo,
  type DocumentNode, type ExecutionResult, type GraphQLNamedType,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { AppError } from '../../lib/errors.js';
import type { SchemaContribution } from './compose.js';

/**
 * Checks every declared input of the composed schema: valid on it (another plugin's field
 * resolves only while that plugin is installed), within the installation's granted scopes, and
 * free of cycles between plugins' fields. The change being made answers PLUGIN_INPUT_INVALID;
 * a change that breaks another installed plugin's input answers CONFLICT.
 */
export function checkDeclaredInputs(schema: GraphQLSchema, contributions: readonly SchemaContribution[]): Map<string, DeclaredInput> {
  const inputs = new Map<string, DeclaredInput>();
  const owner = new Map<string, SchemaContribution>();
  for (const c of contributions) {
    const problems: string[] = [];
    for (const [coordinate, text] of Object.entries(c.inputs ?? {})) {
      const reading = readDeclaredInput(schema, coordinate, text);
      if (!reading.ok) {
        problems.push(...reading.problems);
        continue;
      }
      problems.push(...missingInputScopes(reading.input, c.grantedScopes));
      inputs.set(coordinate, reading.input);
      owner.set(coordinate, c);
    }
    if (problems.length) throw refused(c, problems);
  }
  const cycle = findCycle(inputs);
  if (cycle) {
    const c = owner.get(cycle[0]!)!;
    throw refused(c, [`inputs.${cycle[0]}: declared inputs form a cycle (${cycle.join(' → ')}), so none of them could ever resolve`]);
  }
  return inputs;
}

function refused(c: SchemaContribution, problems: string[]): AppError {
  if (c.prospective) {
    return new AppError('PLUGIN_INPUT_INVALID', `${c.pluginId}@${c.version}'s declared inputs cannot be resolved in this tenant: ${problems.join('; ')}`, { issues: problems });
  }
  return new AppError('CONFLICT', `this change would leave ${c.pluginId}@${c.version}'s declared inputs unresolvable: ${problems.join('; ')}`, { issues: problems });
}

/** A path of plugin fields whose inputs select each other back to the first, if there is one. */
function findCycle(inputs: Map<string, DeclaredInput>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (coordinate: string, path: string[]): string[] | undefined => {
    if (state.get(coordinate) === 'open') return [...path.slice(path.indexOf(coordinate)), coordinate];
    if (state.get(coordinate) === 'done') return undefined;
    state.set(coordinate, 'open');
    for (const next of inputs.get(coordinate)?.pluginFields ?? []) {
      const found = visit(next, [...path, coordinate]);
      if (found) return found;
    }
    state.set(coordinate, 'done');
    return undefined;
  };
  for (const coordinate of inputs.keys()) {
    const found = visit(coordinate, []);
    if (found) return found;
  }
  return undefined;
}

/** One parent's declared input: its data, or why it could not be read. */
export type ShapedParent = { ok: true; value: unknown } | { ok: false; error: Error };

/**
 * Resolves declared inputs for a batch of parents in one execution of core's own resolvers (and
 * other plugins' fields), with the request's context: its loaders batch across the parents, and
 * what the plugin sees is what the caller's API key would see.
 */
export class DeclaredInputResolver {
  readonly #wrappers = new Map<string, { schema: GraphQLSchema; field: string }>();
  /** Each input's query, made once: its document, and that compiled (null where graphql-js executes it). */
  readonly #queries = new Map<string, { document: DocumentNode; compiled: CompiledQuery | null }>();

  constructor(private readonly schema: GraphQLSchema, private readonly inputs: ReadonlyMap<string, DeclaredInput>) {}

  has(coordinate: string): boolean {
    return this.inputs.has(coordinate);
  }

  /** Whether the input is answered by compiled code, once it has been resolved (tests and diagnostics). */
  isCompiled(coordinate: string): boolean {
    return Boolean(this.#queries.get(coordinate)?.compiled);
  }

  async resolve(coordinate: string, parents: readonly unknown[], context: object): Promise<ShapedParent[]> {
    const input = this.inputs.get(coordinate);
    if (!input) throw new Error(`${coordinate} declares no input`);
    const [typeName = ''] = coordinate.split('.');
    const { schema, field } = this.wrapperFor(typeName);
    const { document, compiled } = this.queryFor(input, schema, field);
    const result: ExecutionResult = compiled
      ? await compiled.query(parents, context, {})
      : await execute({ schema, document, rootValue: parents, contextValue: context });
    const data = (result.data?.[field] ?? []) as unknown[];
    const failed = new Map<number, GraphQLError>();
    for (const error of result.errors ?? []) {
      const index = error.path?.[1];
      if (typeof index === 'number' && !failed.has(index)) failed.set(index, error);
    }
    return parents.map((_, i) => {
      const error = failed.get(i);
      // What a resolver threw, as an Error (graphql-jit keeps a thrown non-Error as it was).
      if (error) return { ok: false, error: unlocated(error.originalError instanceof Error ? error.originalError : error) };
      return { ok: true, value: data[i] };
    });
  }

  /**
   * A schema over the tenant's types whose root is a list of `typeName`: executing the input's
   * fragment there runs each field's real resolver with the parent row as its source.
   */
  private wrapperFor(typeName: string): { schema: GraphQLSchema; field: string } {
    let wrapper = this.#wrappers.get(typeName);
    if (!wrapper) {
      const type = this.schema.getType(typeName) as GraphQLObjectType;
      const field = 'parents';
      const root = new GraphQLObjectType({
        name: 'MosaicDeclaredInputRoot',
        fields: { [field]: { type: new GraphQLList(type), resolve: (source: unknown) => source } },
      });
      const types = Object.values(this.schema.getTypeMap()).filter((t: GraphQLNamedType) => !isIntrospectionType(t));
      wrapper = { schema: new GraphQLSchema({ query: root, types, directives: this.schema.getDirectives(), assumeValid: true }), field };
      this.#wrappers.set(typeName, wrapper);
    }
    return wrapper;
  }

  /**
   * `{ parents { ...Input } }` with the input's fragments, and that compiled to plain code: a page
   * of 50 parents runs in an eighth of graphql-js's time, which builds an info object and an
   * arguments object per field per parent. Only inputs that are nothing but field names qualify
   * (see `compilable`); the others execute as before.
   */
  private queryFor(input: DeclaredInput, schema: GraphQLSchema, field: string): { document: DocumentNode; compiled: CompiledQuery | null } {
    let query = this.#queries.get(input.coordinate);
    if (!query) {
      const head = parse(`{ ${field} { ...${input.fragmentName} } }`, { noLocation: true });
      const document: DocumentNode = { ...head, definitions: [...head.definitions, ...input.document.definitions] };
      const result = compilable(schema, document) ? compileQuery(schema, document) : undefined;
      query = { document, compiled: result && isCompiledQuery(result) ? result : null };
      this.#queries.set(input.coordinate, query);
    }
    return query;
  }
}

/**
 * The error without its place in the wrapper's own query (`parents.3.orderStatus`), which would
 * otherwise be reported as the place of the plugin's field in the caller's. graphql-jit reports a
 * value that fails to serialise as an error of its own at that place, where graphql-js gives the
 * scalar's unlocated error: the message is the same.
 */
function unlocated(error: Error): Error {
  if (!(error instanceof GraphQLError) || error.path === undefined) return error;
  return new GraphQLError(error.message, { originalError: error.originalError ?? undefined, extensions: error.extensions });
}

/**
 * Whether a declared input may be compiled to code. It may when it selects, on object types
 * only, fields that take no arguments and return no interface or union, under names and aliases
 * without an underscore, with no directives and no variables. Then what graphql-jit writes into
 * its source is names and nothing a plugin author wrote as a value: it embeds argument values and
 * defaults, and a selection on an interface is compiled once for each implementation, with that
 * implementation's arguments (a plugin's own type may add one with a default) and at a size that
 * grows with the number of implementations at every level. It keys each field's resolve info by
 * the path's names joined with `_`, so names with one could share another field's info.
 * Everything else runs on graphql-js.
 */
export function compilable(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let plain = true;
  const refuse = () => {
    plain = false;
    return BREAK;
  };
  visit(document, visitWithTypeInfo(typeInfo, {
    enter(node) {
      switch (node.kind) {
        case Kind.ARGUMENT:
        case Kind.DIRECTIVE:
        case Kind.VARIABLE:
        case Kind.VARIABLE_DEFINITION:
          return refuse();
        case Kind.FIELD: {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          const key = (node.alias ?? node.name).value;
          if (!parent || isAbstractType(parent) || !field || field.args.length > 0 || isAbstractType(getNamedType(field.type)) || key.includes('_')) {
            return refuse();
          }
          return undefined;
        }
        default:
          return undefined;
      }
    },
  }));
  return plain;
}
