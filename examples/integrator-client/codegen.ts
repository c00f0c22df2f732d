import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types for this client from a Mosaic tenant's schema (core plus the plugins that tenant has
 * installed), read one of two ways:
 * - over HTTP by introspection, with an API key whose role may introspect (integrator or admin
 *   by default): MOSAIC_URL (default http://127.0.0.1:4000) and MOSAIC_API_KEY;
 * - from the SDL file `mosaic schema print --tenant <slug> --out <file>` wrote: MOSAIC_SCHEMA_FILE.
 * MOSAIC_GQL_DIR moves the output (default src/gql/, which is not committed).
 */
function schemaSource(): CodegenConfig['schema'] {
  const file = process.env.MOSAIC_SCHEMA_FILE;
  if (file) return file;
  const apiKey = process.env.MOSAIC_API_KEY;
  if (!apiKey) throw new Error('set MOSAIC_API_KEY (an integrator key) to read the schema over HTTP, or MOSAIC_SCHEMA_FILE to read an SDL file');
  const url = new URL('/graphql', process.env.MOSAIC_URL ?? 'http://127.0.0.1:4000').href;
  return { [url]: { headers: { Authorization: `Bearer ${apiKey}` } } };
}

const config: CodegenConfig = {
  schema: schemaSource(),
  documents: ['src/**/*.ts', '!src/gql/**'],
  generates: {
    [process.env.MOSAIC_GQL_DIR ?? 'src/gql/']: {
      preset: 'client',
      // Inline fragments stay readable without masking; the lists are small.
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
  // ESM output with .js in relative imports, as NodeNext resolution wants.
  emitLegacyCommonJSImports: false,
};

export default config;
