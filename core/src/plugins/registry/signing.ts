import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** An ed25519 key pair: the public half goes to the registry, the private half stays with the ISV. */
export function generatePublisherKeys(): { publicKey: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * What a signature covers: the plugin id and version and the exact bytes of the manifest and the
 * bundle (by hash). Changing any byte of either, or replaying the signature for another version,
 * breaks it.
 */
export function signingPayload(v: { pluginId: string; version: string; manifest: string; bundle: string }): Buffer {
  return Buffer.from(`mosaic-plugin-signature/v1\n${v.pluginId}@${v.version}\nmanifest:${sha256Hex(v.manifest)}\nbundle:${sha256Hex(v.bundle)}\n`);
}

export function signVersion(privateKeyPem: string, payload: Buffer): string {
  return sign(null, payload, createPrivateKey(privateKeyPem)).toString('base64');
}

export function verifyVersion(publicKey: string, payload: Buffer, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, payload, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
