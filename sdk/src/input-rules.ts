import {
  getNamedType, isAbstractType, isCompositeType, isInterfaceType, isObjectType, Kind, parse, specifiedRules, validate, NoUnusedFragmentsRule,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLSchema, type SelectionSetNode,
  visit, visitWithTypeInfo, TypeInfo,
} from 'graphql';
import { coreSchema, pluginSchema } from './sdl.js';
import { pluginNamespace } from './namespace.js';
import type { PluginScope } from './scopes.js';

import { INPUT_LIMITS } from './input-limits.js';
import { storageInputProblems } from './storage-inputs.js';

export { INPUT_LIMITS } from './input-limits.js';

/**
 * The scope that lets a plugin read each core entity through a declared input; plugin fields on
 * these entities are the ones that may declare one. Value types (OrderLine, Money, Identity,
 * connections) are read under the entity they are reached from; an entity missing here
 * (Interaction, Agent, …) has no plugin scope and cannot be selected.
 */
export const INPUT_SCOPES: Readonly<Record<string, PluginScope>> = {
  Customer: 'customers:read',
  Order: 'orders:read',
  Case: 'cases:read',
  Account: 'accounts:read',
};

/** A declared input that passed every rule: what core executes and what it depends on. */
export interface DeclaredInput {
  coordinate: string;
  document: DocumentNode;
  /** The fragment the host spreads on each parent. */
  fragmentName: string;
  /** Scopes the selection needs. */
  scopes: PluginScope[];
  /** `Type.field` of every plugin field the selection reads (its own or another plugin's). */
  pluginFields: string[];
}

export interface InputReadOptions {
  /**
   * Fields under another plugin's namespace that this schema does not have: a build knows only
   * core and the plugin itself, so it leaves them to the installer, which knows the tenant's schema.
   */
  deferForeignFields?: { ownFieldPrefix: string };
}

/** Reasons as `inputs.Type.field: …` lines, or the checked input. */
export type InputReading = { ok: true; input: DeclaredInput } | { ok: false; problems: string[] };

const FOREIGN_FIELD = /^[a-z][A-Za-z0-9]*_[A-Za-z0-9]+_/;
const UNKNOWN_FIELD = /^Cannot query field "([^"]+)" on type "[^"]+"\./;

/**
 * Reads and checks the declared input of `coordinate` (`Type.field`) against `schema`: one
 * fragment on the field's type first (others it spreads may follow), no variables, valid on the
 * schema (an unknown field is named), within INPUT_LIMITS, and only entities a scope grants.
 */
export function readDeclaredInput(schema: GraphQLSchema, coordinate: string, text: string, options: InputReadOptions = {}): InputReading {
  const fail = (...problems: string[]): InputReading => ({ ok: false, problems: problems.map((p) => `inputs.${coordinate}: ${p}`) });
  const [typeName = ''] = coordinate.split('.');
  const parentScope = Object.hasOwn(INPUT_SCOPES, typeName) ? INPUT_SCOPES[typeName] : undefined;
  if (!parentScope) {
    return fail(`inputs are declared for fields on ${Object.keys(INPUT_SCOPES).join(', ')}; ${typeName} is none of them`);
  }
  if (text.length > INPUT_LIMITS.maxChars) return fail(`the selection is ${text.length} characters, over the ${INPUT_LIMITS.maxChars} allowed`);
  let document: DocumentNode;
  try {
    document = parse(text, { noLocation: true, maxTokens: 2_000 });
  } catch (err) {
    return fail((err as Error).message);
  }
  document = withoutAbsentOptionalFields(schema, document);
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const main = fragments[0];
  if (fragments.length !== document.definitions.length || !main) return fail('must be fragments only, e.g. `fragment EtaInput on Order { orderNumber }`');
  if (main.typeCondition.name.value !== typeName) return fail(`the first fragment must be on ${typeName}, the type the field extends (it is on ${main.typeCondition.name.value})`);
  if (usesVariables(document)) return fail('must not use variables: a declared input is the same for every parent');

  const deferred = new Set<string>();
  const errors = validate(schema, document, specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule)).filter((e) => {
    const field = UNKNOWN_FIELD.exec(e.message)?.[1];
    const prefix = options.deferForeignFields?.ownFieldPrefix;
    if (field === undefined || prefix === undefined || field.startsWith(prefix) || !FOREIGN_FIELD.test(field)) return true;
    deferred.add(field);
    return false;
  });
  if (errors.length) return fail(...errors.map((e) => e.message));

  const walk = new SelectionWalk(schema, fragments, deferred);
  // Whatever it selects, an input reads about its parent: that needs the parent's scope.
  walk.scopes.add(parentScope);
  walk.visit(main.selectionSet, schema.getType(typeName) as GraphQLCompositeType, parentScope, 1);
  if (walk.problems.length) return fail(...walk.problems);
  return {
    ok: true,
    input: { coordinate, document, fragmentName: main.name.value, scopes: [...walk.scopes], pluginFields: [...walk.pluginFields] },
  };
}

/** Scopes the input needs that `granted` lacks, as problems to show. */
export function missingInputScopes(input: DeclaredInput, granted: readonly string[]): string[] {
  return input.scopes.filter((s) => !granted.includes(s))
    .map((s) => `inputs.${input.coordinate}: the selection reads data the '${s}' scope covers, which the plugin was not granted`);
}

/** The directive that marks a field the input can do without (another plugin's, not installed). */
export const OPTIONAL_DIRECTIVE = 'optional';

/**
 * The document with every `@optional` field this schema lacks removed (the plugin reads it as
 * absent) and the directive dropped from the others, so what is validated and executed is the
 * selection this tenant can answer.
 */
function withoutAbsentOptionalFields(schema: GraphQLSchema, document: DocumentNode): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(document, visitWithTypeInfo(typeInfo, {
    Field(node) {
      if (!node.directives?.some((d) => d.name.value === OPTIONAL_DIRECTIVE)) return undefined;
      if (!typeInfo.getFieldDef()) return null;
      return { ...node, directives: node.directives.filter((d) => d.name.value !== OPTIONAL_DIRECTIVE) };
    },
  }));
}

function usesVariables(document: DocumentNode): boolean {
  let found = false;
  visit(document, { Variable: () => void (found = true) });
  return found;
}

/** `free`: data a plugin field produced, which no core scope governs. */
type Reach = PluginScope | 'free';

/** Walks a valid selection with its fragments expanded: depth, size, scopes, plugin fields. */
class SelectionWalk {
  readonly problems: string[] = [];
  readonly scopes = new Set<PluginScope>();
  readonly pluginFields = new Set<string>();
  #fields = 0;
  readonly #fragments: Map<string, FragmentDefinitionNode>;
  readonly #core = coreSchema();

  constructor(private readonly schema: GraphQLSchema, fragments: FragmentDefinitionNode[], private readonly deferred: Set<string>) {
    this.#fragments = new Map(fragments.map((f) => [f.name.value, f]));
  }

  visit(set: SelectionSetNode, parent: GraphQLCompositeType, reach: Reach, depth: number): void {
    for (const selection of set.selections) {
      if (this.problems.length) return;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType : parent;
        this.visit(selection.selectionSet, on, this.reachOf(on, reach), depth);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = this.#fragments.get(selection.name.value)!;
        const on = this.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType;
        this.visit(fragment.selectionSet, on, this.reachOf(on, reach), depth);
      } else {
        this.field(selection.name.value, selection.selectionSet, parent, reach, depth);
      }
    }
  }

  private field(name: string, set: SelectionSetNode | undefined, parent: GraphQLCompositeType, reach: Reach, depth: number): void {
    if (name === '__typename') return;
    const where = `${parent.name}.${name}`;
    if (name.startsWith('__')) return void this.problems.push(`${where}: introspection is not data a plugin reads`);
    if ((this.#fields += 1) > INPUT_LIMITS.maxFields) return void this.problems.push(`selects more than ${INPUT_LIMITS.maxFields} fields`);
    if (depth > INPUT_LIMITS.maxDepth) return void this.problems.push(`${where} is nested deeper than ${INPUT_LIMITS.maxDepth} levels`);
    if (this.deferred.has(name)) return void this.pluginFields.add(where);
    const definition = isInterfaceType(parent) || isObjectType(parent) ? parent.getFields()[name] : undefined;
    if (!definition) return;
    const isCore = this.isCoreField(parent.name, name);
    let childReach: Reach = 'free';
    if (isCore) {
      const needed = this.scopesFor(parent, reach);
      if (needed === undefined) return;
      needed.forEach((s) => this.scopes.add(s));
      childReach = needed[0] ?? reach;
    } else {
      this.pluginFields.add(where);
    }
    const named = getNamedType(definition.type);
    if (set && isCompositeType(named)) this.visit(set, named, this.reachOf(named, childReach), depth + 1);
  }

  /** The scopes reading a core field of `parent` needs; undefined (and a problem) when none can. */
  private scopesFor(parent: GraphQLCompositeType, reach: Reach): PluginScope[] | undefined {
    const types = isAbstractType(parent) ? this.schema.getPossibleTypes(parent) : [parent];
    const scopes: PluginScope[] = [];
    for (const type of types) {
      const scope = this.isEntity(type.name) ? INPUT_SCOPES[type.name] : reach === 'free' ? undefined : reach;
      if (this.isEntity(type.name) && !scope) {
        this.problems.push(`${type.name} has no plugin scope, so its fields cannot be selected (scopes cover ${Object.keys(INPUT_SCOPES).join(', ')})`);
        return undefined;
      }
      if (scope) scopes.push(scope);
    }
    return [...new Set(scopes)];
  }

  /** Entities carry their own scope; value types stay under the one they were reached with. */
  private reachOf(type: GraphQLCompositeType, reach: Reach): Reach {
    return INPUT_SCOPES[type.name] ?? reach;
  }

  private isEntity(typeName: string): boolean {
    const type = this.#core.getType(typeName);
    return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node');
  }

  private isCoreField(typeName: string, field: string): boolean {
    const type = this.#core.getType(typeName);
    return (isObjectType(type) || isInterfaceType(type)) && field in type.getFields();
  }
}

/** What a build needs of the manifest to check its declared inputs. */
interface InputsOfManifest {
  id: string;
  schema?: string | undefined;
  scopes: readonly string[];
  resolvers: readonly string[];
  inputs: Readonly<Record<string, string>>;
  storageInputs?: Readonly<Record<string, readonly string[]>>;
  resultCache?: Readonly<Record<string, { maxAgeSeconds: number }>>;
  widgets?: ReadonlyArray<{ id: string; extensionPoint: string }>;
  widgetInputs?: Readonly<Record<string, string>>;
}

/**
 * The type a widget's input is a fragment on, by extension point. Console points only: their
 * viewers are staff, whose rights the host resolves inputs with; a portal widget reads through
 * `ctx`, whose authority keeps a signed-in customer to their own records.
 */
const WIDGET_INPUT_TYPES: Readonly<Record<string, string>> = {
  'console.customer.sidebar': 'Customer',
  'console.order.sidebar': 'Order',
  'console.case.sidebar': 'Case',
};

/** The type a widget at `point` may declare its input on, or undefined where it may declare none. */
export const widgetInputType = (point: string): string | undefined => (Object.hasOwn(WIDGET_INPUT_TYPES, point) ? WIDGET_INPUT_TYPES[point] : undefined);

/**
 * How a widget's input is keyed beside fields' (`Type.field`) in a tenant's composed inputs: by
 * its target type, then its plugin and widget id, which no field name can be.
 */
export const widgetInputCoordinate = (type: string, pluginId: string, widgetId: string): string => `${type}.widget:${pluginId}/${widgetId}`;

/** The widget inputs of a manifest as composed inputs (coordinate → text); a widget at a point without inputs is left out. */
export function widgetInputsByCoordinate(manifest: Pick<InputsOfManifest, 'id' | 'widgets' | 'widgetInputs'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const widget of manifest.widgets ?? []) {
    const text = manifest.widgetInputs?.[widget.id];
    const type = widgetInputType(widget.extensionPoint);
    if (text !== undefined && type !== undefined) out[widgetInputCoordinate(type, manifest.id, widget.id)] = text;
  }
  return out;
}

/**
 * A build's (and the registry's) check of the declared inputs against core and the plugin's own
 * schema (another plugin's fields wait for the installer), and, unless `checkScopes` is false,
 * against the scopes the manifest requests. The registry leaves scopes to the installer, which
 * checks them against what the tenant granted. With a warning for each resolver on a core type that
 * declares none and so receives whole parents.
 */
export function checkManifestInputs(manifest: InputsOfManifest, { checkScopes = true } = {}): { problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const schema = pluginSchema(manifest.schema);
  const ownFieldPrefix = pluginNamespace(manifest.id).field;
  for (const [coordinate, text] of Object.entries(manifest.inputs)) {
    if (!manifest.resolvers.includes(coordinate)) {
      problems.push(`inputs.${coordinate}: the plugin has no resolver for ${coordinate}`);
      continue;
    }
    const reading = readDeclaredInput(schema, coordinate, text, { deferForeignFields: { ownFieldPrefix } });
    if (!reading.ok) problems.push(...reading.problems);
    else if (checkScopes) problems.push(...missingInputScopes(reading.input, manifest.scopes).map(asRequest));
  }
  for (const [id, text] of Object.entries(manifest.widgetInputs ?? {})) {
    const widget = manifest.widgets?.find((w) => w.id === id);
    const type = widget && widgetInputType(widget.extensionPoint);
    if (!widget) problems.push(`widgets.${id}.input: the plugin has no widget ${id}`);
    else if (!type) problems.push(`widgets.${id}.input: ${widget.extensionPoint} widgets cannot declare an input; a portal widget reads through ctx, which keeps a signed-in customer to their own records`);
    else {
      const reading = readDeclaredInput(schema, widgetInputCoordinate(type, manifest.id, id), text, { deferForeignFields: { ownFieldPrefix } });
      if (!reading.ok) problems.push(...reading.problems);
      else if (checkScopes) problems.push(...missingInputScopes(reading.input, manifest.scopes).map(asRequest));
    }
  }
  for (const [coordinate, templates] of Object.entries(manifest.storageInputs ?? {})) {
    problems.push(...storageInputProblems(coordinate, templates, manifest.inputs[coordinate]));
    if (checkScopes && !manifest.scopes.includes('storage')) {
      problems.push(`storageInputs.${coordinate}: reading storage needs the 'storage' scope, which the manifest does not request (add it to manifest.scopes)`);
    }
  }
  for (const coordinate of Object.keys(manifest.resultCache ?? {})) {
    // The declared input is what the host keys a kept result by: without one there is nothing to key it by.
    if (!(coordinate in manifest.inputs)) problems.push(`resultCache.${coordinate}: only a field with a declared input (inputs.${coordinate}) can have its result kept`);
  }
  const warnings = manifest.resolvers
    .filter((coordinate) => !(coordinate in manifest.inputs) && Object.hasOwn(INPUT_SCOPES, coordinate.split('.')[0]!))
    .map((coordinate) => {
      const [type] = coordinate.split('.');
      return `resolvers.${coordinate} declares no input, so it receives whole ${type} parents: declare what it reads in inputs.${type} (graphql(\`fragment … on ${type} { … }\`))`;
    });
  return { problems, warnings };
}

const asRequest = (problem: string) => problem.replace('which the plugin was not granted', 'which the manifest does not request (add it to manifest.scopes)');
