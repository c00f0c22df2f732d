export interface PluginNamespace {
  /** Prefix of the fields a plugin adds to core types, e.g. `acme_shipmentTracking_`. */
  field: string;
  /** Prefix of the types a plugin defines, e.g. `Acme_ShipmentTracking_`. */
  type: string;
}

const camel = (part: string) => part.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const pascal = (part: string) => camel(part).replace(/^[a-z]/, (c) => c.toUpperCase());

/**
 * The GraphQL prefixes owned by a plugin id (decision 2). Distinct ids always give distinct
 * prefixes: ids hold no `_`, so the first `_` splits publisher from name, and a hyphen is always
 * followed by a letter, so camel-casing can be undone.
 */
export function pluginNamespace(id: string): PluginNamespace {
  const [publisher = '', name = ''] = id.split('.');
  return { field: `${camel(publisher)}_${camel(name)}_`, type: `${pascal(publisher)}_${pascal(name)}_` };
}
