/**
 * Signing keys: one current key per algorithm, generated on first use and kept in keys.json
 * (mode 0600). Rotation adds a new current key; the old one stays in the JWKS until every token
 * it signed has expired, plus an hour for resource servers that cache the JWKS (FastMCP: 1 h).
 */
import { createPrivateKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { KeyView, SigningAlg } from '../contracts';
import { iso } from '../clock';
import type { StoredKey } from '../store/types';
import { randomId } from './crypto';
import type { CoreDeps } from './deps';

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

function generate(alg: SigningAlg): { private_jwk: Record<string, unknown>; public_jwk: Record<string, unknown> } {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const priv = pair.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const pub = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { private_jwk: priv, public_jwk: pub };
}

export class KeyService {
  private cache = new Map<string, KeyObject>();
  constructor(private readonly d: CoreDeps) {}

  private all(): StoredKey[] {
    return this.d.store.keys.list();
  }

  current(alg: SigningAlg): StoredKey | undefined {
    // Newest non-rotated key of that algorithm.
    return this.all()
      .filter((k) => k.alg === alg && !k.rotated_at)
      .at(-1);
  }

  /** Makes sure a current key exists for `alg` (first start, or first RS256 resource). */
  async ensure(alg: SigningAlg): Promise<StoredKey> {
    const existing = this.current(alg);
    if (existing) return existing;
    return this.add(alg);
  }

  private async add(alg: SigningAlg): Promise<StoredKey> {
    const { private_jwk, public_jwk } = generate(alg);
    const kid = randomId();
    const row: StoredKey = {
      kid,
      alg,
      private_jwk: { ...private_jwk, kid, alg, use: 'sig' },
      public_jwk: { ...public_jwk, kid, alg, use: 'sig' },
      created_at: iso(this.d.clock.now()),
    };
    await this.d.store.keys.put(kid, row);
    return row;
  }

  /** Adds a new signing key for `alg`; the previous one keeps verifying until its tokens expire. */
  async rotate(alg: SigningAlg = this.d.config.signingAlg): Promise<KeyView> {
    const old = this.current(alg);
    const now = this.d.clock.now();
    const next = await this.add(alg);
    if (old) {
      const maxTtl = Math.max(this.d.config.accessTokenTtl, ...this.d.store.resources.list().map((r) => r.access_token_ttl ?? 0));
      await this.d.store.keys.put(old.kid, { ...old, rotated_at: iso(now), retire_after: iso(now + (maxTtl + 3600) * 1000) });
    }
    const view = this.view(next);
    this.d.events.emit('key.rotated', { key: view });
    return view;
  }

  /** Keys still published: current ones and rotated ones whose tokens may still be live. */
  published(): StoredKey[] {
    const now = this.d.clock.now();
    return this.all().filter((k) => !k.retire_after || Date.parse(k.retire_after) > now);
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.published().map((k) => k.public_jwk) };
  }

  view(k: StoredKey): KeyView {
    return { kid: k.kid, alg: k.alg, status: k.rotated_at ? 'previous' : 'current', created_at: k.created_at, retire_after: k.retire_after, public_jwk: k.public_jwk };
  }

  list(): KeyView[] {
    return this.published().map((k) => this.view(k)).reverse();
  }

  /** Signs a compact JWS with the current key for `alg`. node:crypto directly: jose's async path costs more per token. */
  signJwt(alg: SigningAlg, header: Record<string, unknown>, payload: Record<string, unknown>): { jwt: string; kid: string } {
    const key = this.current(alg);
    if (!key) throw new Error(`no current ${alg} signing key (KeyService.ensure was not called)`);
    let ko = this.cache.get(key.kid);
    if (!ko) {
      ko = createPrivateKey({ key: key.private_jwk as never, format: 'jwk' });
      this.cache.set(key.kid, ko);
    }
    return { jwt: compactJws(ko, alg, key.kid, header, payload), kid: key.kid };
  }

  /**
   * Signs with a fresh key pair that is never stored and never published in the JWKS (test
   * tokens exercising a resource server's unknown-`kid` path); the private key is dropped here.
   */
  signWithUnpublishedKey(alg: SigningAlg, header: Record<string, unknown>, payload: Record<string, unknown>): { jwt: string; kid: string } {
    const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `unpublished-${randomId()}`;
    return { jwt: compactJws(pair.privateKey, alg, kid, header, payload), kid };
  }
}

function compactJws(key: KeyObject, alg: SigningAlg, kid: string, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const h = b64url(JSON.stringify({ alg, ...header, kid }));
  const p = b64url(JSON.stringify(payload));
  const input = `${h}.${p}`;
  const sig =
    alg === 'ES256'
      ? cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : cryptoSign('sha256', Buffer.from(input), key);
  return `${input}.${b64url(sig)}`;
}
