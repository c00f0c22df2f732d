import { and, asc, eq } from 'drizzle-orm';
import semver from 'semver';
import { excerpt, quoteExcerpt, type PluginManifest } from '@mosaic/sdk/schema';
import type { ControlDb } from '../../db/control.js';
import { pluginVersions, publishers } from '../../db/control-schema.js';
import { AppError, notFound } from '../../lib/errors.js';
import { readManifest } from './publish.js';
import { sha256Hex, signingPayload, verifyVersion } from './signing.js';

/** A published version, verified: safe to run. */
export interface LoadedVersion {
  manifest: PluginManifest;
  bundle: string;
  bundleSha256: string;
}

export interface CatalogEntry {
  pluginId: string;
  latest: PluginManifest;
  versions: string[];
}

/** The marketplace: every plugin with its versions, newest manifest first shown. */
export async function listCatalog(control: ControlDb): Promise<CatalogEntry[]> {
  const rows = await control.select({ pluginId: pluginVersions.pluginId, version: pluginVersions.version, manifest: pluginVersions.manifest })
    .from(pluginVersions).orderBy(asc(pluginVersions.pluginId));
  const byPlugin = new Map<string, typeof rows>();
  for (const r of rows) byPlugin.set(r.pluginId, [...(byPlugin.get(r.pluginId) ?? []), r]);
  return [...byPlugin.entries()].flatMap(([pluginId, versions]) => {
    const offered = versions
      .map((v) => ({ version: v.version, manifest: readableManifest(v.manifest) }))
      .filter((v): v is { version: string; manifest: PluginManifest } => v.manifest !== undefined)
      .sort((a, b) => semver.rcompare(a.version, b.version));
    return offered.length ? [{ pluginId, latest: offered[0]!.manifest, versions: offered.map((v) => v.version) }] : [];
  });
}

/**
 * A stored manifest, or undefined when it no longer passes today's rules (e.g. an egress host
 * that is an IP address written another way, accepted before that was refused). Such a version
 * is not offered, and installing it is refused with the reason; one cannot hide the others.
 */
function readableManifest(text: string): PluginManifest | undefined {
  try {
    return readManifest(text);
  } catch (err) {
    if (err instanceof AppError && err.code === 'BAD_USER_INPUT') return undefined;
    throw err;
  }
}

/** The highest published version matching `range` (default: the latest). */
export async function resolveVersion(control: ControlDb, pluginId: string, range = '*'): Promise<string> {
  if (!semver.validRange(range)) throw new AppError('BAD_USER_INPUT', `${quoteExcerpt(range)} is not a semver range`);
  const rows = await control.select({ version: pluginVersions.version }).from(pluginVersions).where(eq(pluginVersions.pluginId, pluginId));
  if (rows.length === 0) throw notFound(`plugin ${pluginId}`);
  const best = semver.maxSatisfying(rows.map((r) => r.version), range);
  if (!best) throw new AppError('NOT_FOUND', `no version of ${pluginId} matches ${excerpt(range)} (published: ${rows.map((r) => r.version).join(', ')})`);
  return best;
}

/**
 * Loads a version and checks it again before it may run: the stored bytes must still hash to
 * what the manifest says and the publisher's signature must still verify, so a bundle tampered
 * with in the database never executes.
 */
export async function loadVersion(control: ControlDb, pluginId: string, version: string): Promise<LoadedVersion> {
  const [row] = await control.select({ v: pluginVersions, publicKey: publishers.publicKey })
    .from(pluginVersions).innerJoin(publishers, eq(publishers.id, pluginVersions.publisherId))
    .where(and(eq(pluginVersions.pluginId, pluginId), eq(pluginVersions.version, version))).limit(1);
  if (!row) throw notFound(`plugin ${pluginId}@${version}`);
  const { manifest: text, bundle, signature } = row.v;
  const manifest = readManifest(text);
  const intact = sha256Hex(bundle) === manifest.bundle.sha256 &&
    verifyVersion(row.publicKey, signingPayload({ pluginId, version, manifest: text, bundle }), signature);
  if (!intact) throw new AppError('PLUGIN_TAMPERED', `${pluginId}@${version} failed its integrity check and will not run`);
  return { manifest, bundle, bundleSha256: manifest.bundle.sha256 };
}
