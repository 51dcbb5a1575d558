import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretBox, isSealed, parseKeyRing } from './secret-box.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe('SecretBox', () => {
  it('round-trips any text and never stores it in the clear', () => {
    const box = new SecretBox({ currentKeyId: 'k1', keys: new Map([['k1', k1]]) });
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (secret, context) => {
        const sealed = box.encrypt(secret, context);
        expect(box.decrypt(sealed, context)).toBe(secret);
        // Short strings can appear in random ciphertext by chance; long ones cannot.
        if (secret.length >= 12) expect(sealed).not.toContain(Buffer.from(secret).toString('base64url'));
      }),
    );
  });

  it('uses a fresh nonce each time', () => {
    const box = new SecretBox({ currentKeyId: 'k1', keys: new Map([['k1', k1]]) });
    expect(box.encrypt('APP_USR-123')).not.toBe(box.encrypt('APP_USR-123'));
  });

  it('refuses a tampered value, a wrong context and an unknown key', () => {
    const box = new SecretBox({ currentKeyId: 'k1', keys: new Map([['k1', k1]]) });
    const sealed = box.encrypt('APP_USR-123', 'shop:a');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    parts[3] = flipped.toString('base64url');
    expect(() => box.decrypt(parts.join('.'), 'shop:a')).toThrow();
    expect(() => box.decrypt(sealed, 'shop:b')).toThrow();
    const other = new SecretBox({ currentKeyId: 'k2', keys: new Map([['k2', k2]]) });
    expect(() => other.decrypt(sealed, 'shop:a')).toThrow(/unknown encryption key k1/);
  });

  it('reads values sealed with an older key after rotation', () => {
    const before = new SecretBox(parseKeyRing(`k1:${k1.toString('base64')}`));
    const sealed = before.encrypt('APP_USR-123');
    const after = new SecretBox(parseKeyRing(`k2:${k2.toString('base64')},k1:${k1.toString('base64')}`));
    expect(after.decrypt(sealed)).toBe('APP_USR-123');
    expect(after.keyIdOf(after.encrypt('x'))).toBe('k2');
  });

  it('rejects keys of the wrong size', () => {
    expect(() => new SecretBox({ currentKeyId: 'k', keys: new Map([['k', randomBytes(16)]]) })).toThrow(/32 bytes/);
  });
});

describe('SecretBox envelope (v2) and legacy (v1) values', () => {
  /** A v1 value exactly as the pre-envelope SecretBox wrote it: the ring key encrypts the value. */
  function legacySeal(key: Buffer, keyId: string, plaintext: string, context: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', keyId, nonce.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  it('writes a per-value data key wrapped by the ring key, with the key id in the value', () => {
    const box = new SecretBox(parseKeyRing(`k1:${k1.toString('base64')}`));
    const sealed = box.encrypt('+5491140000000', 'users.phone:u1');
    const parts = sealed.split('.');
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 2)).toEqual(['v2', 'k1']);
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(60);
    expect(isSealed(sealed)).toBe(true);
    expect(isSealed('+5491140000000')).toBe(false);
    // The wrapped data key is bound to the context too.
    const other = box.encrypt('+5491140000000', 'users.phone:u2').split('.');
    expect(() => box.decrypt([...parts.slice(0, 2), other[2], ...parts.slice(3)].join('.'), 'users.phone:u1')).toThrow();
  });

  it('still reads v1 values and rotation turns them into v2 under the current key', () => {
    const legacy = legacySeal(k1, 'k1', 'APP_USR-legacy', 'merchant_accounts.access_token:s1');
    const ring = new SecretBox(parseKeyRing(`k2:${k2.toString('base64')},k1:${k1.toString('base64')}`));
    expect(ring.decrypt(legacy, 'merchant_accounts.access_token:s1')).toBe('APP_USR-legacy');
    expect(ring.isCurrent(legacy)).toBe(false);
    const rotated = ring.rewrap(legacy, 'merchant_accounts.access_token:s1');
    expect(rotated.startsWith('v2.k2.')).toBe(true);
    const onlyNew = new SecretBox(parseKeyRing(`k2:${k2.toString('base64')}`));
    expect(onlyNew.decrypt(rotated, 'merchant_accounts.access_token:s1')).toBe('APP_USR-legacy');
  });

  it('rotation of a v2 value re-wraps the data key only, and the old key is then not needed', () => {
    const before = new SecretBox(parseKeyRing(`k1:${k1.toString('base64')}`));
    const sealed = before.encrypt('20123456786', 'ctx');
    const ring = new SecretBox(parseKeyRing(`k2:${k2.toString('base64')},k1:${k1.toString('base64')}`));
    const rotated = ring.rewrap(sealed, 'ctx');
    expect(rotated.split('.').slice(3)).toEqual(sealed.split('.').slice(3));
    expect(ring.keyIdOf(rotated)).toBe('k2');
    expect(ring.rewrap(rotated, 'ctx')).toBe(rotated);
    expect(new SecretBox(parseKeyRing(`k2:${k2.toString('base64')}`)).decrypt(rotated, 'ctx')).toBe('20123456786');
    expect(() => ring.rewrap(sealed, 'wrong-context')).toThrow();
  });
});
