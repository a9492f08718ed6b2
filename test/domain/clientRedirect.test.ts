/** The redirect back to the client is the same string whichever way it is built. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientRedirect } from '../../server/domain/clientRedirect';

/** The reference: parse, set every parameter on the URL, serialize. */
function viaUrl(redirectUri: string, issuer: string, params: Record<string, string | undefined>): string {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  u.searchParams.set('iss', issuer);
  return u.toString();
}

const URIS = [
  'http://127.0.0.1:8765/callback',
  'http://LOCALHOST:80/cb',
  'http://[::1]:3000/a b/é',
  'https://app.example.com/oauth/callback',
  'https://app.example.com/cb?',
  'https://app.example.com/cb#',
  'https://app.example.com/cb?x=1&y=a+b',
  'https://app.example.com/cb?x=1#frag',
  'https://app.example.com',
  'com.example.app:/callback',
  'myapp://callback/path?q',
  'http://127.0.0.1:8765/callback/../x/./y',
];

describe('clientRedirect', () => {
  it('gives the URL API’s string for every kind of redirect URI, twice (cached and not)', () => {
    for (const uri of URIS) {
      for (const params of [{ code: 'abc', state: 'st' }, { error: 'access_denied', error_description: 'the user denied the request', state: undefined }, { code: 'a+b&c=d é', state: '?#' }]) {
        expect(clientRedirect(uri, 'http://127.0.0.1:9000', params), uri).toBe(viaUrl(uri, 'http://127.0.0.1:9000', params));
        expect(clientRedirect(uri, 'http://127.0.0.1:9000', params), uri).toBe(viaUrl(uri, 'http://127.0.0.1:9000', params));
      }
    }
  });

  it('agrees on generated parameter values', () => {
    fc.assert(
      fc.property(fc.constantFrom(...URIS), fc.string(), fc.option(fc.string(), { nil: undefined }), (uri, code, state) => {
        expect(clientRedirect(uri, 'http://localhost:9000', { code, state })).toBe(viaUrl(uri, 'http://localhost:9000', { code, state }));
      }),
      { numRuns: 2000 },
    );
  });
});
