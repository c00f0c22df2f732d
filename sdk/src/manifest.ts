import semver from 'semver';
import { z } from 'zod';
import { EXTENSION_POINTS } from './extension-points.js';
import { canonicalHostPattern, isIpHost } from './egress-host.js';
import { INPUT_LIMITS } from './input-limits.js';
import { formatIssues } from './issues.js';
import { PLUGIN_SCOPES } from './scopes.js';
import { STORAGE_INPUT_LIMITS } from './storage-inputs.js';
import { MAX_STORAGE_KEY_BYTES } from './text-rules.js';

/**
 * The manifest: what a plugin is and what it may do, declared up front so the installer can show
 * it and the host can enforce it (decision 3). The author writes the declared part in
 * `definePlugin`; the build derives the rest from the code and writes it all to manifest.json.
 */

const PART = '[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*';
const PART_RULE = 'lowercase letters, digits and hyphens, starting with a letter, a letter after each hyphen';
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
// Checked on the canonical form, where a name's last label is never numeric (that would be an IPv4 address).
const HOST_NAME = new RegExp(`^(?:\\*\\.)?(?:${LABEL}\\.)*${LABEL}$`);
const GRAPHQL_NAME = '[_A-Za-z][_0-9A-Za-z]*';
/** The longest a field's result may be answered again (manifest.resultCache). */
export const MAX_RESULT_AGE_SECONDS = 300;

/**
 * One egress entry in its canonical form (see egress-host.ts), which is what is stored, shown
 * to the admin and enforced. An IP address is accepted only as written canonically.
 */
function egressHost(entry: string, ctx: z.RefinementCtx): string {
  const reading = canonicalHostPattern(entry);
  let problem = reading.problem;
  if (reading.host !== undefined && !isIpHost(reading.host) && (reading.host.length > 253 || !HOST_NAME.test(reading.host))) {
    problem = `'${entry}' (canonical form '${reading.host}') must be a hostname of letters, digits and hyphens, or *.domain`;
  }
  if (problem === undefined) return reading.host!;
  ctx.addIssue({ code: 'custom', message: problem, input: entry });
  return z.NEVER;
}

const unique = <T extends z.ZodType>(item: T, what: string, key: (v: z.output<T>) => string = String) =>
  z.array(item).refine((items) => new Set(items.map(key)).size === items.length, `${what} must be unique`);

const secretName = z.string().regex(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/, 'must be UPPER_SNAKE_CASE, e.g. CARRIER_API_KEY');

const declaredShape = {
  id: z.string().max(64).regex(new RegExp(`^${PART}\\.${PART}$`), `must be publisher.name (${PART_RULE}), e.g. acme.shipment-tracking`),
  version: z.string().refine((v) => semver.valid(v) === v, 'must be a semver version such as 1.2.0'),
  name: z.string().trim().min(1).max(80),
  publisher: z.string().max(32).regex(new RegExp(`^${PART}$`), `must be the publisher's handle (${PART_RULE})`),
  description: z.string().trim().min(1).max(500),
  scopes: unique(z.enum(PLUGIN_SCOPES), 'scopes').default([]),
  /**
   * Hosts ctx.fetch may reach; `*.example.com` covers every subdomain (not example.com itself).
   * Kept in canonical form (lower case, punycode); an IP address only as written canonically.
   */
  egress: unique(z.string().transform(egressHost), 'egress hosts').default([]),
  secrets: unique(
    z.strictObject({ name: secretName, description: z.string().trim().min(1).max(200) }),
    'secret names',
    (s) => s.name,
  ).default([]),
  /** Inbound webhooks; the host checks each request's signature with the named secret before the handler runs. */
  webhooks: unique(
    z.strictObject({
      name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and hyphens (it is part of a URL)'),
      secret: secretName,
      description: z.string().trim().max(200).optional(),
    }),
    'webhook names',
    (w) => w.name,
  ).default([]),
};

const derivedShape = {
  /** The SDK contract the bundle was built against. */
  sdkApiVersion: z.int().positive(),
  // Segments may hold hyphens so another plugin's events (plugin.acme.shipment-tracking.x) can be subscribed to.
  events: unique(z.string().regex(/^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_-]*)+$/, 'must be an event type such as order.created'), 'events'),
  actions: unique(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be an identifier such as refreshTracking'), 'actions'),
  /** `Type.field` for every field the plugin resolves. */
  resolvers: unique(z.string().regex(new RegExp(`^${GRAPHQL_NAME}\\.${GRAPHQL_NAME}$`), 'must be Type.field'), 'resolvers'),
  widgets: unique(
    z.strictObject({
      id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and hyphens'),
      extensionPoint: z.enum(EXTENSION_POINTS),
      title: z.string().trim().min(1).max(80),
    }),
    'widget ids',
    (w) => w.id,
  ),
  extensionPoints: unique(z.enum(EXTENSION_POINTS), 'extension points'),
  /** Storage keys read with each declared input, by `Type.field` (storage-inputs.ts). */
  storageInputs: z.record(
    z.string().regex(new RegExp(`^${GRAPHQL_NAME}\\.${GRAPHQL_NAME}$`), 'must be Type.field'),
    z.array(z.string().min(1).max(MAX_STORAGE_KEY_BYTES)).min(1).max(STORAGE_INPUT_LIMITS.templatesPerField),
  ).default({}),
  /** How long the host may answer each field from an earlier call's result, by `Type.field`. */
  resultCache: z.record(
    z.string().regex(new RegExp(`^${GRAPHQL_NAME}\\.${GRAPHQL_NAME}$`), 'must be Type.field'),
    z.strictObject({ maxAgeSeconds: z.int().min(1).max(MAX_RESULT_AGE_SECONDS) }),
  ).default({}),
};

const builtShape = {
  /** The plugin's SDL (extensions of core types and its own namespaced types). */
  schema: z.string().max(100_000).optional(),
  /** Declared inputs by `Type.field`: the GraphQL fragments the host resolves for each parent. */
  inputs: z.record(z.string().regex(new RegExp(`^${GRAPHQL_NAME}\\.${GRAPHQL_NAME}$`), 'must be Type.field'), z.string().max(INPUT_LIMITS.maxChars))
    .default({}),
  /** Widgets' declared inputs by widget id: the GraphQL fragments the host resolves for each target. */
  widgetInputs: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a widget id'), z.string().max(INPUT_LIMITS.maxChars)).default({}),
  /** JSON Schema of the config the installer asks for (zod's toJSONSchema, input side). */
  configSchema: z.record(z.string(), z.unknown()).refine((s) => s.type === 'object', 'must be a JSON Schema of type object'),
  bundle: z.strictObject({
    file: z.string().regex(/^[\w.-]+\.js$/, 'must be a file name in the package'),
    sha256: z.string().regex(/^[a-f0-9]{64}$/, 'must be a hex SHA-256'),
  }),
};

type Declared = z.output<z.ZodObject<typeof declaredShape>>;

function declaredRules(m: Declared, ctx: z.RefinementCtx): void {
  if (m.id.split('.')[0] !== m.publisher) {
    ctx.addIssue({ code: 'custom', path: ['publisher'], message: `must be the first part of the id ("${m.id.split('.')[0]}")` });
  }
  const secrets = new Set(m.secrets.map((s) => s.name));
  m.webhooks.forEach((w, i) => {
    if (!secrets.has(w.secret)) {
      ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'secret'], message: `names no secret declared in secrets ("${w.secret}")` });
    }
  });
}

function derivedRules(m: z.output<z.ZodObject<typeof derivedShape>>, ctx: z.RefinementCtx): void {
  const used = [...new Set(m.widgets.map((w) => w.extensionPoint))].sort();
  if (used.join() !== [...m.extensionPoints].sort().join()) {
    ctx.addIssue({ code: 'custom', path: ['extensionPoints'], message: `must list exactly the widgets' extension points (${used.join(', ') || 'none'})` });
  }
}

// Rules across fields run on otherwise valid data only: a bad id would also be reported as a
// publisher mismatch, and a malformed list would make the rule itself throw.
const onValid = { when: (payload: { issues: unknown[] }) => payload.issues.length === 0 };

/** What an author writes in `definePlugin({ manifest })`. */
export const manifestInputSchema = z.strictObject(declaredShape).superRefine(declaredRules, onValid);

/** manifest.json as the build writes it and the registry reads it. */
export const pluginManifestSchema = z.strictObject({ ...declaredShape, ...derivedShape, ...builtShape })
  .superRefine(declaredRules, onValid)
  .superRefine(derivedRules, onValid);

export type ManifestInput = z.input<typeof manifestInputSchema>;
export type PluginManifest = z.output<typeof pluginManifestSchema>;
/** The manifest a built bundle carries at runtime: declared and derived, without build outputs. */
export type DeclaredManifest = Omit<PluginManifest, keyof typeof builtShape>;

export class ManifestError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid plugin manifest:\n  ${issues.join('\n  ')}`);
    this.name = 'ManifestError';
  }
}

/** manifest.json, parsed; throws a ManifestError listing every problem as `path: message`. */
export function parseManifest(value: unknown): PluginManifest {
  const result = pluginManifestSchema.safeParse(value);
  if (!result.success) throw new ManifestError(formatIssues(result.error, 'manifest'));
  return result.data;
}
