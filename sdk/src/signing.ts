import { createHash, createPrivateKey, sign } from 'node:crypto';

/**
 * What a publisher's signature covers: the plugin id and version and the exact bytes of the
 * manifest and the bundle (by hash). Changing any byte of either, or replaying the signature for
 * another version, breaks it. The registry verifies against this same payload.
 */
export function signingPayload(v: { pluginId: string; version: string; manifest: string; bundle: string }): Buffer {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  return Buffer.from(`mosaic-plugin-signature/v1\n${v.pluginId}@${v.version}\nmanifest:${sha256(v.manifest)}\nbundle:${sha256(v.bundle)}\n`);
}

/** The base64 ed25519 signature of `payload` with a publisher's PKCS#8 PEM private key. */
export function signVersion(privateKeyPem: string, payload: Buffer): string {
  return sign(null, payload, createPrivateKey(privateKeyPem)).toString('base64');
}
