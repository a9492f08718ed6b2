/** domain/seal.ts: AES-256-GCM under an HKDF-derived key, bound to a context. */
import { describe, expect, it } from 'vitest';
import { createSealer } from '../../server/domain/seal';

describe('createSealer', () => {
  const a = createSealer('server-secret-a', 'refresh-grace');

  it('opens what it sealed, for the same context only', () => {
    const sealed = a.seal('the-token', 'fam1:h0:h1');
    expect(sealed).not.toContain('the-token');
    expect(a.open(sealed, 'fam1:h0:h1')).toBe('the-token');
    expect(a.open(sealed, 'fam2:h0:h1')).toBeUndefined();
    // A fresh IV each time: the same plaintext never seals the same way twice.
    expect(a.seal('the-token', 'fam1:h0:h1')).not.toBe(sealed);
  });

  it('refuses another secret, another purpose, a flipped bit and garbage', () => {
    const sealed = a.seal('the-token', 'ctx');
    expect(createSealer('server-secret-b', 'refresh-grace').open(sealed, 'ctx')).toBeUndefined();
    expect(createSealer('server-secret-a', 'user-session').open(sealed, 'ctx')).toBeUndefined();
    const raw = Buffer.from(sealed, 'base64url');
    raw[14] = raw[14]! ^ 1;
    expect(a.open(raw.toString('base64url'), 'ctx')).toBeUndefined();
    expect(a.open('', 'ctx')).toBeUndefined();
    expect(a.open('not sealed at all', 'ctx')).toBeUndefined();
  });
});
