import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretBox, parseKeyRing } from './secret-box.js';

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
