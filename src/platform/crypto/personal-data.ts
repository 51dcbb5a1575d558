import { createHmac } from 'node:crypto';
import type { AppConfig } from '../config.js';
import { resolveDataHashKey, resolveDataKeys } from '../secrets.js';
import { SecretBox, isSealed, parseKeyRing } from './secret-box.js';

/** What a keyed hash is of: the same value under two kinds hashes differently. */
export type KeyedHashKind = 'phone' | 'document';

/**
 * Personal data at rest: values sealed with the key ring (envelope AES-256-GCM, see SecretBox),
 * JSON documents sealed whole inside a jsonb column (`{"sealed": "v2…"}`), and keyed hashes
 * (HMAC-SHA-256) for the few lookups that need equality on an encrypted value.
 *
 * The hash key is separate from the encryption keys and does not rotate with them: a hash only
 * ever has to match another hash made with the same key, and rotating it means recomputing every
 * hash from the decrypted values (not supported yet; see README).
 */
export class PersonalDataCipher {
  constructor(
    readonly box: SecretBox,
    private readonly hashKey: Buffer,
  ) {
    if (hashKey.length < 32) throw new Error('DATA_HASH_KEY must be at least 32 bytes');
  }

  seal(value: string, context: string): string {
    return this.box.encrypt(value, context);
  }

  sealNullable(value: string | null | undefined, context: string): string | null {
    return value === null || value === undefined ? null : this.seal(value, context);
  }

  /**
   * The stored value in the clear. A value still in plaintext (written before encryption and
   * not yet sealed by the migrate-time step) is returned as it is, so reads never break during
   * a rollout; `data-protection-check` and the inventory test report such values.
   */
  open(stored: string, context: string): string {
    return isSealed(stored) ? this.box.decrypt(stored, context) : stored;
  }

  openNullable(stored: string | null | undefined, context: string): string | null {
    return stored === null || stored === undefined ? null : this.open(stored, context);
  }

  /** JSON text for a jsonb column: the whole document sealed as one value. */
  sealJson(value: unknown, context: string): string {
    return JSON.stringify({ sealed: this.seal(JSON.stringify(value), context) });
  }

  /** The document a jsonb column holds; plaintext documents (not yet sealed) pass through. */
  openJson(stored: unknown, context: string): unknown {
    const sealed = sealedOf(stored);
    return sealed === undefined ? stored : JSON.parse(this.box.decrypt(sealed, context));
  }

  /** Hex HMAC-SHA-256 of the normalised value (digits only), or null for no value. */
  keyedHash(kind: KeyedHashKind, value: string | null | undefined): string | null {
    const digits = value?.replace(/\D/g, '') ?? '';
    if (!digits) return null;
    return createHmac('sha256', this.hashKey).update(`${kind}:${digits}`).digest('hex');
  }
}

/** The sealed string inside a jsonb value written by sealJson, if it is one. */
export function sealedOf(stored: unknown): string | undefined {
  if (stored && typeof stored === 'object' && !Array.isArray(stored)) {
    const sealed = (stored as { sealed?: unknown }).sealed;
    if (typeof sealed === 'string' && isSealed(sealed) && Object.keys(stored).length === 1) return sealed;
  }
  return undefined;
}

/**
 * For a process that reads figures only and holds no keys (an ops check with DATABASE_URL only):
 * any attempt to seal, open or hash personal data throws instead of returning ciphertext.
 */
export function keylessPersonalData(reason: string): PersonalDataCipher {
  return new Proxy({} as PersonalDataCipher, {
    get: () => () => {
      throw new Error(`personal data is not readable in this process: ${reason}`);
    },
  });
}

export function createPersonalDataCipher(config: AppConfig, dataKeys?: string): PersonalDataCipher {
  return new PersonalDataCipher(new SecretBox(parseKeyRing(dataKeys ?? resolveDataKeys(config))), Buffer.from(resolveDataHashKey(config), 'base64'));
}
