import { and, eq } from 'drizzle-orm';
import { ManifestError, checkManifestInputs, checkPluginSdl, parseManifest, type PluginManifest } from '@mosaic/sdk/schema';
import type { ControlDb } from '../../db/control.js';
import { pluginVersions } from '../../db/control-schema.js';
import { AppError } from '../../lib/errors.js';
import { requirePublisher } from './publishers.js';
import { sha256Hex, signingPayload, verifyVersion } from './signing.js';

export interface PublishRequest {
  publisherId: string;
  /** manifest.json exactly as built and signed. */
  manifest: string;
  /** plugin.js exactly as built and signed. */
  bundle: string;
  /** base64 ed25519 signature over signingPayload(...). */
  signature: string;
}

const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

/** Parses manifest text into a manifest, answering BAD_USER_INPUT with every problem listed. */
export function readManifest(text: string): PluginManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('BAD_USER_INPUT', 'manifest is not JSON');
  }
  try {
    return parseManifest(json);
  } catch (err) {
    if (err instanceof ManifestError) throw new AppError('BAD_USER_INPUT', err.message, { issues: err.issues });
    throw err;
  }
}

/**
 * Accepts a version into the registry only if it is well-formed, its bundle is the one the
 * manifest names, the signature verifies against the publisher's key, and the version is new.
 * Published versions are immutable.
 */
export async function publishVersion(control: ControlDb, req: PublishRequest): Promise<PluginManifest> {
  if (Buffer.byteLength(req.bundle) > MAX_BUNDLE_BYTES) throw new AppError('BAD_USER_INPUT', `bundle exceeds ${MAX_BUNDLE_BYTES} bytes`);
  const publisher = await requirePublisher(control, req.publisherId);
  const manifest = readManifest(req.manifest);
  if (manifest.publisher !== publisher.handle) {
    throw new AppError('FORBIDDEN', `publisher "${publisher.handle}" cannot publish ${manifest.id}; its id must start with "${publisher.handle}."`);
  }
  const sha = sha256Hex(req.bundle);
  if (sha !== manifest.bundle.sha256) throw new AppError('BAD_USER_INPUT', `bundle sha256 ${sha} differs from the manifest's ${manifest.bundle.sha256}`);
  // A missing or malformed signature is the caller's input to fix (BAD_USER_INPUT); FORBIDDEN is
  // for a well-formed one that does not verify. (Both used to answer FORBIDDEN "does not verify".)
  if (!isSignatureShaped(req.signature)) {
    throw new AppError('BAD_USER_INPUT', 'signature must be the base64 ed25519 signature (64 bytes) of this version, made with the publisher\'s private key');
  }
  const payload = signingPayload({ pluginId: manifest.id, version: manifest.version, manifest: req.manifest, bundle: req.bundle });
  if (!verifyVersion(publisher.publicKey, payload, req.signature)) {
    throw new AppError('FORBIDDEN', `signature does not verify with ${publisher.handle}'s key: manifest or bundle changed after signing, or signed with another key`);
  }
  const sdlProblems = checkPluginSdl(manifest.schema, manifest.id, manifest.resolvers);
  if (sdlProblems.length) throw new AppError('BAD_USER_INPUT', `plugin schema refused: ${sdlProblems.join('; ')}`, { issues: sdlProblems });
  const inputProblems = checkManifestInputs(manifest, { checkScopes: false }).problems;
  if (inputProblems.length) throw new AppError('BAD_USER_INPUT', `declared inputs refused: ${inputProblems.join('; ')}`, { issues: inputProblems });
  const [existing] = await control.select({ v: pluginVersions.version }).from(pluginVersions)
    .where(and(eq(pluginVersions.pluginId, manifest.id), eq(pluginVersions.version, manifest.version))).limit(1);
  if (existing) throw new AppError('CONFLICT', `${manifest.id}@${manifest.version} is already published; versions are immutable, publish a new one`);
  await control.insert(pluginVersions).values({
    pluginId: manifest.id,
    version: manifest.version,
    publisherId: publisher.id,
    manifest: req.manifest,
    bundle: req.bundle,
    bundleSha256: sha,
    signature: req.signature,
    publishedAt: new Date(),
  });
  return manifest;
}

/** Canonical base64 of 64 bytes, the size of an ed25519 signature. */
function isSignatureShaped(signature: string): boolean {
  const bytes = Buffer.from(signature, 'base64');
  return bytes.length === 64 && bytes.toString('base64') === signature;
}
