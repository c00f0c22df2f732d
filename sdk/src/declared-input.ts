import { initGraphQLTada, type ResultOf, type TadaDocumentNode } from 'gql.tada';
import type { CoreIntrospection } from './generated/core-introspection.js';
import type { CoreObjectTypes } from './generated/core-types.js';

/**
 * GraphQL selections on core's schema, typed by gql.tada: what a plugin's `inputs` declare. Scalars are
 * typed as they arrive in the isolate (JSON), so DateTime is an ISO string. Fragments are never
 * masked: a declared input is data the plugin reads, not a component boundary.
 */
export const graphql = /* @__PURE__ */ initGraphQLTada<{
  introspection: CoreIntrospection;
  scalars: { DateTime: string; ID: string };
  disableMasking: true;
}>();

/** A document `graphql` returned, carrying the shape of the data it selects. */
// any: whatever result and variables the document has
type Selection = TadaDocumentNode<any, any, any>;

/** Declared inputs by core type then field (`PluginInput.inputs`). */
export type DeclaredInputs = { [T in keyof CoreObjectTypes]?: Record<string, Selection> };

/** What a resolver with this declared input receives for each parent. */
export type InputOf<D> = D extends Selection ? ResultOf<D> : never;
