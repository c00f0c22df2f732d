import {
  buildSchema, extendSchema, isObjectType, isTypeDefinitionNode, Kind, parse, validateSchema,
  type FieldDefinitionNode,
  type DefinitionNode, type DocumentNode, type GraphQLSchema,
} from 'graphql';
import { CORE_SDL } from './generated/core-sdl.js';
import { pluginNamespace } from './namespace.js';

let core: GraphQLSchema | undefined;
/** Core's base schema, built once. */
export const coreSchema = (): GraphQLSchema => (core ??= buildSchema(CORE_SDL));

/** Core's schema with the plugin's SDL applied; call it on SDL checkPluginSdl accepted. */
export function pluginSchema(sdl: string | undefined): GraphQLSchema {
  return sdl?.trim() ? extendSchema(coreSchema(), parse(sdl)) : coreSchema();
}

/**
 * Problems with a plugin's SDL, as `schema: message` lines (none when it is fine): syntax, names
 * outside the plugin's namespace (decision 2), anything core would refuse when composing it, and
 * fields without a resolver or resolvers without a field. Core's composer should apply the same
 * rules at install time; a build runs them first so an author sees them at once.
 *
 * New versions (a build, a publish) must also declare every Mutation field nullable, so that one
 * failing mutation never discards the results of the others in a request (GitHub's convention,
 * which core's own mutations follow). Composing versions published before that rule passes
 * `{ newVersion: false }`, so they keep working.
 */
export function checkPluginSdl(
  sdl: string | undefined,
  pluginId: string,
  resolvers: readonly string[],
  { newVersion = true }: { newVersion?: boolean } = {},
): string[] {
  if (!sdl?.trim()) return resolvers.map((r) => `resolvers: ${r} is not a field the plugin's schema adds (it has no schema)`);
  let doc: DocumentNode;
  try {
    doc = parse(sdl);
  } catch (err) {
    return [`schema: ${(err as Error).message}`];
  }
  const errors = doc.definitions.flatMap((d) => [...namingErrors(d, pluginId), ...(newVersion ? mutationErrors(d) : [])]);
  if (errors.length) return errors.map((e) => `schema: ${e}`);
  let schema: GraphQLSchema;
  try {
    schema = extendSchema(coreSchema(), doc);
  } catch (err) {
    return [`schema: ${(err as Error).message}`];
  }
  const invalid = validateSchema(schema).map((e) => `schema: ${e.message}`);
  return invalid.length ? invalid : resolverErrors(doc, schema, pluginId, resolvers);
}

/** Mutation fields a plugin adds must be nullable: a failure then nulls that field alone. */
function mutationErrors(def: DefinitionNode): string[] {
  if (def.kind !== Kind.OBJECT_TYPE_EXTENSION || def.name.value !== 'Mutation') return [];
  return (def.fields ?? [])
    .filter((f: FieldDefinitionNode) => f.type.kind === Kind.NON_NULL_TYPE)
    .map((f) => `Mutation.${f.name.value}: a mutation field must be nullable (drop the trailing !), so that its failure never discards the other mutations' results`);
}

function namingErrors(def: DefinitionNode, pluginId: string): string[] {
  const ns = pluginNamespace(pluginId);
  if (def.kind === Kind.OBJECT_TYPE_EXTENSION) {
    const name = def.name.value;
    if (name.startsWith(ns.type)) return [];
    if (!isObjectType(coreSchema().getType(name))) {
      return [`extend type ${name}: only core object types and the plugin's own types (${ns.type}*) can be extended`];
    }
    return (def.fields ?? [])
      .filter((f) => !f.name.value.startsWith(ns.field))
      .map((f) => `${name}.${f.name.value}: fields added to core types must start with ${ns.field}`);
  }
  if (isTypeDefinitionNode(def)) {
    return def.name.value.startsWith(ns.type) ? [] : [`${def.name.value}: the plugin's types must start with ${ns.type}`];
  }
  return [`${def.kind}: a plugin schema may only define types and extend object types`];
}

/**
 * Fields the plugin adds to core types have no data behind them but its resolver; a resolver may
 * serve those and the fields of the plugin's own types, never a core field.
 */
function resolverErrors(doc: DocumentNode, schema: GraphQLSchema, pluginId: string, resolvers: readonly string[]): string[] {
  const added = doc.definitions.flatMap((d) =>
    d.kind === Kind.OBJECT_TYPE_EXTENSION && coreSchema().getType(d.name.value)
      ? (d.fields ?? []).map((f) => `${d.name.value}.${f.name.value}`)
      : []);
  const ownTypes = pluginNamespace(pluginId).type;
  const servesOwnField = (r: string) => {
    const [type = '', field = ''] = r.split('.');
    const t = schema.getType(type);
    return type.startsWith(ownTypes) && isObjectType(t) && field in t.getFields();
  };
  return [
    ...added.filter((f) => !resolvers.includes(f)).map((f) => `schema: ${f} has no resolver`),
    ...resolvers.filter((r) => !added.includes(r) && !servesOwnField(r))
      .map((r) => `resolvers: ${r} is not a field the plugin's schema adds`),
  ];
}
