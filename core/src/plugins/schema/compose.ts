import { checkPluginSdl } from '@mosaic/sdk/schema';
import { extendSchema, isObjectType, parse, validateSchema, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { AppError } from '../../lib/errors.js';
import { checkDeclaredInputs, DeclaredInputResolver } from './declared-inputs.js';

/** What composition needs to know of one active installation. */
export interface SchemaContribution {
  installationId: string;
  pluginId: string;
  version: string;
  sdl?: string;
  /** `Type.field` for every field the plugin resolves. */
  resolvers: readonly string[];
  /** Declared inputs by `Type.field` (manifest.inputs). */
  inputs?: Readonly<Record<string, string>>;
  /** Storage keys read with each declared input, by `Type.field` (manifest.storageInputs). */
  storageInputs?: Readonly<Record<string, readonly string[]>>;
  /** How long each field's result may be answered again, by `Type.field` (manifest.resultCache). */
  resultCache?: Readonly<Record<string, { maxAgeSeconds: number }>>;
  /** The scopes the installation was (or is about to be) granted. */
  grantedScopes: readonly string[];
  /** The installation the change being checked makes, whose problems are its own. */
  prospective?: boolean;
}

/** A tenant's composed schema with its plugins' declared inputs, checked and ready to resolve. */
export interface ComposedSchema {
  schema: GraphQLSchema;
  inputs: DeclaredInputResolver;
}

export type PluginFieldResolverFactory = (
  contribution: SchemaContribution,
  typeName: string,
  fieldName: string,
  composed: () => ComposedSchema,
) => GraphQLFieldResolver<unknown, unknown>;

/**
 * The tenant's schema: core plus each plugin's SDL, in order. Every contribution is checked
 * against the schema composed so far: names outside the plugin's namespace, redefinitions of
 * core (or another plugin's) fields and invalid types are refused here, at install time, with the
 * reason; never at query time. Core resolvers carry over; plugin fields get `makeResolver`'s.
 * Declared inputs are checked once every plugin's fields are in place, since one plugin's input
 * may select another's fields.
 */
export function composeSchema(
  base: GraphQLSchema,
  contributions: readonly SchemaContribution[],
  makeResolver: PluginFieldResolverFactory,
): ComposedSchema {
  let composed: ComposedSchema | undefined;
  const done = () => composed!;
  let schema = base;
  for (const c of contributions) {
    if (!c.sdl?.trim()) continue;
    // Versions are checked as new ones when published; composing must still serve older ones.
    const problems = checkPluginSdl(c.sdl, c.pluginId, c.resolvers, { newVersion: false });
    if (problems.length) throw refused(c, problems);
    try {
      schema = extendSchema(schema, parse(c.sdl));
    } catch (err) {
      throw refused(c, [(err as Error).message]);
    }
    const invalid = validateSchema(schema);
    if (invalid.length) throw refused(c, invalid.map((e) => e.message));
    for (const coordinate of c.resolvers) {
      const [typeName = '', fieldName = ''] = coordinate.split('.');
      const type = schema.getType(typeName);
      const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
      if (!field) throw refused(c, [`${coordinate} is not a field of the composed schema`]);
      field.resolve = makeResolver(c, typeName, fieldName, done);
    }
  }
  composed = { schema, inputs: new DeclaredInputResolver(schema, checkDeclaredInputs(schema, contributions)) };
  return composed;
}

function refused(c: SchemaContribution, problems: string[]): AppError {
  return new AppError('CONFLICT', `${c.pluginId}@${c.version} cannot extend this tenant's schema: ${problems.join('; ')}`, { issues: problems });
}
