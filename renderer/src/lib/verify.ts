/** Signature verification in the browser with jose: against AuthPlane's JWKS or a pasted JWK/JWKS. */
import { compactVerify, createLocalJWKSet, errors, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import type { SignatureResult } from './jwt';

export type KeyInput = { kind: 'jwks'; jwks: JSONWebKeySet; keyStatus?: (kid: string) => string | undefined } | { kind: 'pasted'; text: string };

/** Parses a pasted JWK or JWKS; throws a readable message. */
export function parseKeyText(text: string): JSONWebKeySet {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error('The pasted key is not JSON. Paste a JWK ({"kty": …}) or a JWKS ({"keys": […]}).');
  }
  if (v && typeof v === 'object' && Array.isArray((v as { keys?: unknown }).keys)) return v as JSONWebKeySet;
  if (v && typeof v === 'object' && typeof (v as { kty?: unknown }).kty === 'string') return { keys: [v as JWK] };
  throw new Error('The pasted JSON is neither a JWK (it has no "kty") nor a JWKS (it has no "keys" array).');
}

export async function verifySignature(token: string, header: Record<string, unknown>, key: KeyInput): Promise<SignatureResult> {
  const source = key.kind === 'jwks' ? 'jwks' : 'pasted';
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const alg = typeof header.alg === 'string' ? header.alg : '';
  if (alg === 'none' || !alg) return { status: 'invalid', source, reason: 'The token declares no signature algorithm.' };
  let jwks: JSONWebKeySet;
  try {
    jwks = key.kind === 'jwks' ? key.jwks : parseKeyText(key.text);
  } catch (e) {
    return { status: 'no-key', source, reason: (e as Error).message };
  }
  try {
    if (key.kind === 'pasted' && jwks.keys.length === 1 && !jwks.keys[0]!.kid) {
      // A single JWK without kid: use it whatever the token's kid says.
      const k = await importJWK(jwks.keys[0]!, alg);
      await compactVerify(token, k);
    } else {
      await compactVerify(token, createLocalJWKSet(jwks));
    }
    return { status: 'valid', source, kid, alg, keyStatus: key.kind === 'jwks' && kid ? key.keyStatus?.(kid) : undefined };
  } catch (e) {
    if (e instanceof errors.JWKSNoMatchingKey) {
      return {
        status: 'no-key',
        source,
        reason: source === 'jwks'
          ? `AuthPlane's JWKS has no ${alg} key${kid ? ` with kid "${kid}"` : ''}: the token was signed by another server, or by a key rotated out since.`
          : `The pasted key set has no ${alg} key${kid ? ` with kid "${kid}"` : ''}.`,
      };
    }
    if (e instanceof errors.JWKSMultipleMatchingKeys) return { status: 'no-key', source, reason: 'Several keys match the token\'s header; add a kid.' };
    if (e instanceof errors.JWSSignatureVerificationFailed) return { status: 'invalid', source, reason: `The signature does not match the ${source === 'jwks' ? `key ${kid ?? ''}` : 'pasted key'}: the token was altered, or signed with a different key that has the same kid.` };
    if (e instanceof errors.JOSENotSupported || e instanceof errors.JOSEAlgNotAllowed) return { status: 'invalid', source, reason: `Algorithm ${alg} is not supported for this key.` };
    return { status: 'invalid', source, reason: (e as Error).message || 'verification failed' };
  }
}
