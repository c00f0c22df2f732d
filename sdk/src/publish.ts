/**
 * @mosaic/sdk/publish — sends a built plugin to a running Mosaic server, signed with the
 * publisher's private key: what `mosaic-plugin publish` does, from any folder, with nothing of
 * Mosaic installed but the SDK. Also the one definition of what a signature covers, which the
 * registry verifies. Node-side; plugin code never imports it.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultPublisherKeyFile } from './publisher-keys.js';
import { signingPayload, signVersion } from './signing.js';

export { defaultPublisherKeyFile, publisherKeyDir } from './publisher-keys.js';
export { signingPayload, signVersion } from './signing.js';

/** The codes `publishPlugin` answers itself; a refusal by the server keeps the server's code. */
export type PublishErrorCode =
  | 'BAD_USER_INPUT' | 'PLUGIN_NOT_BUILT' | 'PUBLISHER_KEY_NOT_FOUND' | 'PUBLISHER_KEY_INVALID'
  | 'SERVER_UNREACHABLE' | 'UNEXPECTED_RESPONSE';

export class PublishError extends Error {
  /** One of PublishErrorCode, or the server's `extensions.code` (UNAUTHENTICATED, FORBIDDEN, CONFLICT, …). */
  constructor(readonly code: PublishErrorCode | (string & {}), message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

export interface PublishOptions {
  /** The plugin project; its build output is read from `<dir>/<outDir>`. */
  dir: string;
  outDir?: string;
  /** The server's base address (`http://host:port`) or its `/graphql` endpoint. */
  server: string | undefined;
  /** An admin API key of a tenant on that server. */
  apiKey: string | undefined;
  /** The publisher's id, as `mosaic publisher create` printed it. */
  publisherId: string | undefined;
  /** The publisher's private key; default: where `mosaic publisher create` wrote it. */
  keyFile?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface Published {
  pluginId: string;
  version: string;
  endpoint: string;
}

const PUBLISH_MUTATION = `mutation Publish($input: PublishPluginVersionInput!) {
  publishPluginVersion(input: $input) { version { pluginId version } }
}`;

/** Signs `<dir>/dist/{manifest.json,plugin.js}` exactly as built and publishes them over HTTP. */
export async function publishPlugin(options: PublishOptions): Promise<Published> {
  const endpoint = graphqlEndpoint(options.server);
  if (!options.apiKey) throw new PublishError('BAD_USER_INPUT', 'set MOSAIC_API_KEY to an admin API key of a tenant on the server');
  if (!options.publisherId) throw new PublishError('BAD_USER_INPUT', '--publisher <publisher id> is required (mosaic publisher create prints it)');
  const outDir = resolve(options.dir, options.outDir ?? 'dist');
  const manifest = readBuilt(outDir, 'manifest.json');
  const bundle = readBuilt(outDir, 'plugin.js');
  const { id, version, publisher } = builtIdentity(manifest, outDir);
  const keyFile = options.keyFile ?? defaultPublisherKeyFile(publisher, options.env);
  const signature = signVersion(readPrivateKey(keyFile), signingPayload({ pluginId: id, version, manifest, bundle }));

  const body = await postGraphQL(endpoint, options.apiKey, {
    query: PUBLISH_MUTATION,
    variables: { input: { publisherId: options.publisherId, manifest, bundle, signature } },
  }, options.timeoutMs ?? 60_000);
  const refusal = body.errors?.[0];
  if (refusal) {
    const code = typeof refusal.extensions?.code === 'string' ? refusal.extensions.code : 'UNEXPECTED_RESPONSE';
    throw new PublishError(code, `${endpoint} refused ${id}@${version}: ${refusal.message}${HINTS[code] ?? ''}`);
  }
  const published = body.data?.publishPluginVersion?.version;
  if (!published) throw new PublishError('UNEXPECTED_RESPONSE', `${endpoint} answered without the published version`);
  return { pluginId: published.pluginId, version: published.version, endpoint };
}

const HINTS: Record<string, string> = {
  UNAUTHENTICATED: ' (MOSAIC_API_KEY must be an API key of a tenant on this server)',
  PAYLOAD_TOO_LARGE: ' (the server\'s operator can raise MOSAIC_MAX_BODY_BYTES)',
};

/** `http(s)://host[:port][/prefix]` → its `/graphql` endpoint; a URL already ending in /graphql is kept. */
function graphqlEndpoint(server: string | undefined): string {
  if (!server) throw new PublishError('BAD_USER_INPUT', '--server <url> is required, e.g. --server http://127.0.0.1:4000');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new PublishError('BAD_USER_INPUT', `--server ${JSON.stringify(server)} is not a URL; give the server's address, e.g. http://127.0.0.1:4000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PublishError('BAD_USER_INPUT', `--server must be an http or https URL, got ${url.protocol}`);
  url.pathname = `${url.pathname.replace(/\/+$/, '').replace(/\/graphql$/, '')}/graphql`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

function readBuilt(outDir: string, file: string): string {
  const path = join(outDir, file);
  if (!existsSync(path)) throw new PublishError('PLUGIN_NOT_BUILT', `${path} does not exist; run mosaic-plugin build first`);
  return readFileSync(path, 'utf8');
}

/** The id, version and publisher handle of a built manifest (the server checks the rest). */
function builtIdentity(manifest: string, outDir: string): { id: string; version: string; publisher: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest);
  } catch {
    parsed = undefined;
  }
  const { id, version, publisher } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof id !== 'string' || typeof version !== 'string' || typeof publisher !== 'string') {
    throw new PublishError('PLUGIN_NOT_BUILT', `${join(outDir, 'manifest.json')} is not a built manifest; run mosaic-plugin build again`);
  }
  return { id, version, publisher };
}

/** The PEM of an ed25519 private key, checked before anything is sent. */
function readPrivateKey(keyFile: string): string {
  if (!existsSync(keyFile)) {
    throw new PublishError('PUBLISHER_KEY_NOT_FOUND', `no private key at ${keyFile}; name the publisher's key file with --key-file`);
  }
  const pem = readFileSync(keyFile, 'utf8');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new PublishError('PUBLISHER_KEY_INVALID', `${keyFile} is not a PEM private key; use the file mosaic publisher create wrote`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new PublishError('PUBLISHER_KEY_INVALID', `${keyFile} is an ${key.asymmetricKeyType ?? 'unknown'} key; publisher keys are ed25519 (mosaic publisher create writes one)`);
  }
  return pem;
}

interface GraphQLBody {
  data?: { publishPluginVersion?: { version?: { pluginId: string; version: string } } | null } | null;
  errors?: { message: string; extensions?: { code?: unknown } }[];
}

async function postGraphQL(endpoint: string, apiKey: string, request: object, timeoutMs: number): Promise<GraphQLBody> {
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new PublishError('SERVER_UNREACHABLE', `could not reach ${endpoint}: ${reason}; is the server running at that address?`);
  }
  const body = await res.json().catch(() => undefined) as GraphQLBody | undefined;
  if (!body || typeof body !== 'object' || (!body.data && !Array.isArray(body.errors))) {
    throw new PublishError('UNEXPECTED_RESPONSE', `${endpoint} answered HTTP ${res.status} without a GraphQL response; is it a Mosaic server's address?`);
  }
  return body;
}
