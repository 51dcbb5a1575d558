import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption for secrets and personal data at rest (MercadoPago seller tokens,
 * AFIP keys, phones, customers' documents): envelope encryption with AES-256-GCM.
 *
 * Each value gets its own random 256-bit data key; the value is encrypted with the data key and
 * the data key is wrapped (AES-256-GCM) by a key-ring key whose id is stored with the value. Key
 * rotation then only re-wraps 60 bytes per value under the new ring key, and no ring key ever
 * encrypts more than data keys.
 *
 * Formats (both read; new values are always v2):
 * - `v2.<keyId>.<wrapped data key b64url>.<nonce b64url>.<ciphertext b64url>.<tag b64url>`,
 *   the wrapped data key being `nonce(12) ‖ encrypted key(32) ‖ tag(16)`.
 * - `v1.<keyId>.<nonce b64url>.<ciphertext b64url>.<tag b64url>`: the ring key encrypted the
 *   value directly (values written before envelope encryption; `keys rotate` rewrites them as v2).
 *
 * The context (e.g. "merchant_accounts.access_token:<shopId>") is authenticated data of both the
 * value and its wrapped key, so a ciphertext copied into another row does not decrypt.
 *
 * Hand-written on node:crypto because it is a few dozen lines over a vetted primitive; a library
 * would add nothing but a dependency.
 */
export interface KeyRing {
  /** The key new values are encrypted with. */
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const SEALED_PREFIX = /^v[12]\.[A-Za-z0-9_-]+\./;

/** True for a value this box wrote (any version, any key), false for plaintext. */
export function isSealed(value: string): boolean {
  return SEALED_PREFIX.test(value);
}

export class SecretBox {
  constructor(private readonly ring: KeyRing) {
    for (const [id, key] of ring.keys) {
      if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes`);
      if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`encryption key id ${id} must be [A-Za-z0-9_-]`);
    }
    if (!ring.keys.has(ring.currentKeyId)) throw new Error(`current encryption key ${ring.currentKeyId} is not in the key ring`);
  }

  get currentKeyId(): string {
    return this.ring.currentKeyId;
  }

  get keyIds(): string[] {
    return [...this.ring.keys.keys()];
  }

  encrypt(plaintext: string, context = ''): string {
    const dataKey = randomBytes(32);
    try {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const wrapped = this.wrap(dataKey, context);
      return ['v2', this.ring.currentKeyId, wrapped.toString('base64url'), nonce.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    } finally {
      dataKey.fill(0);
    }
  }

  decrypt(sealed: string, context = ''): string {
    const parts = sealed.split('.');
    if (parts[0] === 'v2' && parts.length === 6) {
      const [, keyId, wrapped, nonce, body, tag] = parts as [string, string, string, string, string, string];
      const dataKey = this.unwrap(keyId, Buffer.from(wrapped, 'base64url'), context);
      try {
        return gcmOpen(dataKey, nonce, body, tag, context).toString('utf8');
      } finally {
        dataKey.fill(0);
      }
    }
    if (parts[0] === 'v1' && parts.length === 5) {
      const [, keyId, nonce, body, tag] = parts as [string, string, string, string, string];
      return gcmOpen(this.ringKey(keyId), nonce, body, tag, context).toString('utf8');
    }
    throw new Error('not a sealed secret');
  }

  keyIdOf(sealed: string): string | undefined {
    return isSealed(sealed) ? sealed.split('.')[1] : undefined;
  }

  /** True when the value is already a v2 envelope under the current key (nothing to rotate). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v2.${this.ring.currentKeyId}.`);
  }

  /**
   * The same value under the current key. A v2 value keeps its data key and ciphertext: only
   * the wrapped key changes. A v1 value is decrypted and sealed again as v2.
   */
  rewrap(sealed: string, context = ''): string {
    if (this.isCurrent(sealed)) return sealed;
    const parts = sealed.split('.');
    if (parts[0] !== 'v2' || parts.length !== 6) return this.encrypt(this.decrypt(sealed, context), context);
    const dataKey = this.unwrap(parts[1]!, Buffer.from(parts[2]!, 'base64url'), context);
    try {
      // Authenticate the body before re-wrapping, so a corrupt value is reported, not carried on.
      gcmOpen(dataKey, parts[3]!, parts[4]!, parts[5]!, context);
      return ['v2', this.ring.currentKeyId, this.wrap(dataKey, context).toString('base64url'), parts[3], parts[4], parts[5]].join('.');
    } finally {
      dataKey.fill(0);
    }
  }

  private ringKey(keyId: string): Buffer {
    const key = this.ring.keys.get(keyId);
    if (!key) throw new Error(`unknown encryption key ${keyId}`);
    return key;
  }

  private wrap(dataKey: Buffer, context: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.ringKey(this.ring.currentKeyId), nonce);
    cipher.setAAD(Buffer.from(`dek:${context}`));
    return Buffer.concat([nonce, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
  }

  private unwrap(keyId: string, wrapped: Buffer, context: string): Buffer {
    if (wrapped.length !== 12 + 32 + 16) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.ringKey(keyId), wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(`dek:${context}`));
    decipher.setAuthTag(wrapped.subarray(44));
    return Buffer.concat([decipher.update(wrapped.subarray(12, 44)), decipher.final()]);
  }
}

function gcmOpen(key: Buffer, nonce: string, body: string, tag: string, context: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
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
