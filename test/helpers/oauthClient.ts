/**
 * A standards-strict client for tests, built on oauth4webapi: if AuthPlane bends a rule,
 * these helpers fail. Consent is automatic (server started with consent: 'auto') unless a
 * test drives the page itself.
 */
import * as oauth from 'oauth4webapi';

export interface FlowOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  redirectUri?: string;
  scope?: string;
  resource?: string;
  state?: string;
}

export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  const res = await oauth.discoveryRequest(url, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true });
  return oauth.processDiscoveryResponse(url, res);
}

export function clientAuth(secret?: string): oauth.ClientAuth {
  return secret ? oauth.ClientSecretPost(secret) : oauth.None();
}

/** Builds an authorization URL with PKCE; returns the verifier to redeem the code. */
export async function authorizationUrl(as: oauth.AuthorizationServer, o: FlowOptions) {
  const verifier = oauth.generateRandomCodeVerifier();
  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  const state = o.state ?? oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', o.clientId);
  url.searchParams.set('redirect_uri', o.redirectUri ?? 'http://127.0.0.1:8765/callback');
  if (o.scope !== undefined) url.searchParams.set('scope', o.scope);
  if (o.resource !== undefined) url.searchParams.set('resource', o.resource);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return { url, verifier, state };
}

/** Authorize (auto consent) and return the redirect URL the server sent back. */
export async function authorize(as: oauth.AuthorizationServer, o: FlowOptions) {
  const { url, verifier, state } = await authorizationUrl(as, o);
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 303 || !location) throw new Error(`authorize did not redirect: ${res.status} ${await res.text()}`);
  return { callback: new URL(location), verifier, state };
}

/** The whole authorization-code flow through oauth4webapi's validators. */
export async function codeFlow(o: FlowOptions) {
  const as = await discover(o.issuer);
  const client: oauth.Client = { client_id: o.clientId };
  const { callback, verifier, state } = await authorize(as, o);
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const res = await oauth.authorizationCodeGrantRequest(as, client, clientAuth(o.clientSecret), params, o.redirectUri ?? 'http://127.0.0.1:8765/callback', verifier, {
    [oauth.allowInsecureRequests]: true,
    additionalParameters: o.resource ? { resource: o.resource } : undefined,
  });
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, res);
  return { as, client, tokens };
}

export async function refresh(as: oauth.AuthorizationServer, client: oauth.Client, refreshToken: string, secret?: string) {
  const res = await oauth.refreshTokenGrantRequest(as, client, clientAuth(secret), refreshToken, { [oauth.allowInsecureRequests]: true });
  return oauth.processRefreshTokenResponse(as, client, res);
}

export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) };
}

/** Raw form POST returning status and parsed JSON (for exact error assertions). */
export async function postForm(url: string, body: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json, text };
}

export { oauth };
