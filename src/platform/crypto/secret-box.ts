import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption for secrets at rest (MercadoPago seller tokens, later AFIP keys
 * and personal data): AES-256-GCM with a fresh 96-bit nonce per value, and the key id stored
 * with the ciphertext so keys can rotate while old values stay readable.
 *
 * Format: `v1.<keyId>.<nonce b64url>.<ciphertext b64url>.<tag b64url>`.
 * Hand-written on node:crypto because it is a dozen lines over a vetted primitive; a
 * library would add nothing but a dependency.
 */
export interface KeyRing {
  /** The key new values are encrypted with. */
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export class SecretBox {
  constructor(private readonly ring: KeyRing) {
    for (const [id, key] of ring.keys) {
      if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes`);
      if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`encryption key id ${id} must be [A-Za-z0-9_-]`);
    }
    if (!ring.keys.has(ring.currentKeyId)) throw new Error(`current encryption key ${ring.currentKeyId} is not in the key ring`);
  }

  encrypt(plaintext: string, context = ''): string {
    const key = this.ring.keys.get(this.ring.currentKeyId)!;
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    // The context (e.g. "merchant_accounts.access_token:<shopId>") binds a value to its place,
    // so a ciphertext copied into another row does not decrypt.
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.ring.currentKeyId, nonce.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  decrypt(sealed: string, context = ''): string {
    const [version, keyId, nonce, body, tag] = sealed.split('.');
    if (version !== 'v1' || !keyId || nonce === undefined || body === undefined || !tag) throw new Error('not a sealed secret');
    const key = this.ring.keys.get(keyId);
    if (!key) throw new Error(`unknown encryption key ${keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }
}

/** Parses `id1:base64key1,id2:base64key2` (the first is current). */
export function parseKeyRing(spec: string): KeyRing {
  const keys = new Map<string, Buffer>();
  let currentKeyId = '';
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [id, material] = part.split(':');
    if (!id || !material) throw new Error('DATA_ENCRYPTION_KEYS must look like "keyid:base64key[,older:base64key]"');
    keys.set(id, Buffer.from(material, 'base64'));
    currentKeyId ||= id;
  }
  if (!currentKeyId) throw new Error('DATA_ENCRYPTION_KEYS is empty');
  return { currentKeyId, keys };
}
