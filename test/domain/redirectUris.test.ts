import { describe, expect, it } from 'vitest';
import { redirectAllowed, redirectUriMatches } from '../../server/domain/redirectUris';

describe('redirectUriMatches', () => {
  it('requires an exact match for non-loopback URIs', () => {
    expect(redirectUriMatches('https://app.example.com/cb', 'https://app.example.com/cb')).toBe(true);
    expect(redirectUriMatches('https://app.example.com/cb/', 'https://app.example.com/cb')).toBe(false);
    expect(redirectUriMatches('https://app.example.com:8443/cb', 'https://app.example.com/cb')).toBe(false);
  });

  it('ignores only the port of a loopback redirect (RFC 8252 §7.3)', () => {
    expect(redirectUriMatches('http://127.0.0.1:55555/callback', 'http://127.0.0.1/callback')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1:55555/callback', 'http://127.0.0.1:33418/callback')).toBe(true);
    expect(redirectUriMatches('http://[::1]:1234/cb', 'http://[::1]/cb')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1:5/other', 'http://127.0.0.1/callback')).toBe(false);
    expect(redirectUriMatches('http://localhost:5/callback', 'http://127.0.0.1/callback')).toBe(false);
  });

  it('lets a public client without registered URIs use any loopback redirect', () => {
    expect(redirectAllowed('http://localhost:1234/x', [], true)).toBe(true);
    expect(redirectAllowed('https://evil.example/x', [], true)).toBe(false);
    expect(redirectAllowed('http://localhost:1234/x', [], false)).toBe(false);
  });
});
