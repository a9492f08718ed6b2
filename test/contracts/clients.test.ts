/** The one redirect URI rule every path uses (DCR, admin, CLI, window, seed, CIMD, /oauth/authorize). */
import { describe, expect, it } from 'vitest';
import { RedirectUri, redirectUriProblem } from '../../server/contracts/clients';

describe('redirectUriProblem', () => {
  it.each([
    'https://vscode.dev/redirect',
    'https://app.example.com/cb?x=1',
    'http://localhost:6274/oauth/callback',
    'http://127.0.0.1/',
    'http://[::1]:33418/cb',
    'cursor://anysphere.cursor-retrieval/oauth/callback',
    'com.example.app:/callback',
    'https://app.example.com/c%C3%A9',
  ])('allows %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
    expect(RedirectUri.safeParse(uri).success).toBe(true);
  });

  it.each([
    ['https://app.example.com/cb#x', 'it has a fragment ("#..."), which RFC 6749 §3.1.2 forbids'],
    ['http://127.0.0.1/cb#', 'it has a fragment ("#..."), which RFC 6749 §3.1.2 forbids'],
    ['http://example.com/cb', 'http is allowed only on a loopback host (localhost, 127.0.0.1, [::1]); use https'],
    ['http://127.0.0.1.evil.example/cb', 'http is allowed only on a loopback host (localhost, 127.0.0.1, [::1]); use https'],
    ['/relative/cb', 'it is not an absolute URI'],
    ['https://app.example.com/a b', 'it must be printable ASCII without spaces (percent-encode anything else)'],
    ['https://app.example.com/\u00e9', 'it must be printable ASCII without spaces (percent-encode anything else)'],
    ['https://app.example.com/\t', 'it must be printable ASCII without spaces (percent-encode anything else)'],
    ['', 'it must be printable ASCII without spaces (percent-encode anything else)'],
    ['JavaScript:alert(1)', 'the scheme "javascript:" belongs to the browser, not to an app; use https, http on a loopback host, or your app\'s own private-use scheme (e.g. com.example.app:/callback)'],
    ['VIEW-SOURCE:https://x.example/', 'the scheme "view-source:" belongs to the browser, not to an app; use https, http on a loopback host, or your app\'s own private-use scheme (e.g. com.example.app:/callback)'],
    ['wss://x.example/cb', 'the scheme "wss:" belongs to the browser, not to an app; use https, http on a loopback host, or your app\'s own private-use scheme (e.g. com.example.app:/callback)'],
  ])('refuses %s', (uri, problem) => {
    expect(redirectUriProblem(uri)).toBe(problem);
    expect(RedirectUri.safeParse(uri).success).toBe(false);
  });
});
