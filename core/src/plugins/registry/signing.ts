import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';

// What a signature covers is defined once, in the SDK that signs (`mosaic-plugin publish`).
export { signingPayload, signVersion } from '@mosaic/sdk/publish';

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** An ed25519 key pair: the public half goes to the registry, the private half stays with the ISV. */
export function generatePublisherKeys(): { publicKey: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function verifyVersion(publicKey: string, payload: Buffer, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, payload, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
