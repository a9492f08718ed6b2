/**
 * JWT decoding (jose) and the checks the decoder explains in plain words. Pure functions (no DOM,
 * no crypto): the signature result is computed elsewhere (lib/verify.ts) and passed in.
 */
import { decodeJwt as decodeJwtPayload, decodeProtectedHeader } from 'jose';
import { audiences, type ClientView, type Resource, type User } from '../../../server/contracts';
import { describeDiff, diffChars, editDistance, type DiffPart } from './diff';
import { ago, duration, localDate, relative } from './time';

export interface DecodedJwt {
  raw: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** base64url signature as in the token. */
  signature: string;
}

export type DecodeResult = { ok: true; jwt: DecodedJwt } | { ok: false; error: string };

/**
 * Why jose could not decode a part, in plain words. jose reports one message per part; its
 * `cause` tells the steps apart: no cause is a JSON value that is not an object, a TypeError is
 * the strict UTF-8 decoder, anything else JSON.parse. The alphabet and length are checked first
 * because jose does not name them.
 */
function decodeFailure(part: string, what: 'header' | 'payload', e: unknown): string {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return `the ${what} is not base64url (it contains characters outside A–Z, a–z, 0–9, "-" and "_")`;
  if (!part) return `the ${what} is empty`;
  if (part.length % 4 === 1) return `the ${what} is not valid base64url`;
  const cause = (e as { cause?: unknown }).cause;
  if (cause === undefined) return `the ${what} is not a JSON object`;
  return cause instanceof TypeError ? `the ${what} is not UTF-8 text` : `the ${what} is not JSON`;
}

function decodePart<T>(token: string, part: string, what: 'header' | 'payload', decode: (token: string) => T): T {
  try {
    return decode(token);
  } catch (e) {
    throw new Error(decodeFailure(part, what, e));
  }
}

/** Accepts a bare JWT, or one pasted with "Bearer " or surrounding quotes/whitespace. */
export function decodeJwt(input: string): DecodeResult {
  const raw = input.trim().replace(/^(authorization:\s*)?bearer\s+/i, '').replace(/^["']|["']$/g, '').trim();
  if (!raw) return { ok: false, error: 'Paste a JWT to decode it.' };
  const parts = raw.split('.');
  if (parts.length === 5) return { ok: false, error: 'This is an encrypted token (JWE, five parts); AuthPlane issues signed tokens (JWS, three parts) and cannot decrypt it.' };
  if (parts.length !== 3) return { ok: false, error: `A JWT has three parts separated by dots; this has ${parts.length}. Opaque tokens (like refresh tokens) cannot be decoded: look them up in the issuance log instead.` };
  try {
    const header = decodePart(raw, parts[0]!, 'header', decodeProtectedHeader) as Record<string, unknown>;
    const payload = decodePart(raw, parts[1]!, 'payload', decodeJwtPayload) as Record<string, unknown>;
    return { ok: true, jwt: { raw, header, payload, signature: parts[2]! } };
  } catch (e) {
    return { ok: false, error: `Cannot decode: ${(e as Error).message}.` };
  }
}

export type SignatureResult =
  | { status: 'valid'; source: 'jwks' | 'pasted'; kid?: string; alg: string; keyStatus?: string }
  | { status: 'invalid'; source: 'jwks' | 'pasted'; reason: string }
  | { status: 'no-key'; source: 'jwks' | 'pasted'; reason: string }
  | { status: 'pending' }
  | { status: 'skipped'; reason: string };

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info';

export interface Check {
  id: 'typ' | 'alg' | 'signature' | 'iss' | 'aud' | 'exp' | 'nbf' | 'iat' | 'scope' | 'client' | 'sub' | 'jti';
  status: CheckStatus;
  title: string;
  detail: string;
  diff?: { label: string; expected: string; actual: string; parts: DiffPart[] };
}

export interface CheckContext {
  issuer: string;
  resources: Resource[];
  clients?: ClientView[];
  users?: User[];
  now: number;
  signature: SignatureResult;
}

/** Verifiers tolerate small clock differences between machines (and this page ticks once a second). */
export const CLOCK_LEEWAY_MS = 30_000;

const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function numericDate(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v * 1000 : undefined;
}

export function signatureCheck(sig: SignatureResult): Check {
  switch (sig.status) {
    case 'valid':
      return { id: 'signature', status: 'pass', title: 'Signature is valid', detail: sig.source === 'jwks' ? `Signed by AuthPlane's key ${sig.kid ?? ''} (${sig.alg}${sig.keyStatus ? `, ${sig.keyStatus} key` : ''}).` : `Verified with the key you pasted (${sig.alg}).` };
    case 'invalid':
      return { id: 'signature', status: 'fail', title: 'Signature does not verify', detail: sig.reason };
    case 'no-key':
      return { id: 'signature', status: 'fail', title: 'No key to verify the signature', detail: sig.reason };
    case 'pending':
      return { id: 'signature', status: 'info', title: 'Verifying the signature…', detail: 'Checking against the JWKS.' };
    default:
      return { id: 'signature', status: 'warn', title: 'Signature not checked', detail: sig.reason };
  }
}

/** The registered resource a token's `aud` designates, byte for byte. */
export function matchAudience(aud: unknown, resources: Resource[]): Resource | undefined {
  const values = audiences(aud);
  return resources.find((r) => values.includes(r.uri));
}

export function checkJwt(jwt: DecodedJwt, ctx: CheckContext): Check[] {
  const { header: h, payload: p, } = jwt;
  const out: Check[] = [];

  const typ = h.typ;
  if (typeof typ === 'string' && /^(application\/)?at\+jwt$/i.test(typ)) out.push({ id: 'typ', status: 'pass', title: 'Type is at+jwt', detail: 'An RFC 9068 access token, so resource servers will not confuse it with an ID token.' });
  else if (typ === undefined) out.push({ id: 'typ', status: 'fail', title: 'No "typ" header', detail: 'RFC 9068 access tokens carry typ "at+jwt"; MCP servers that check it reject this token. AuthPlane always sets it: this token comes from elsewhere.' });
  else out.push({ id: 'typ', status: 'fail', title: `Type is "${str(typ)}", not at+jwt`, detail: typ === 'JWT' ? 'A generic JWT (maybe an ID token). MCP servers must only accept access tokens (typ "at+jwt").' : 'MCP servers that follow RFC 9068 reject tokens whose typ is not "at+jwt".' });

  const alg = h.alg;
  if (alg === 'none') out.push({ id: 'alg', status: 'fail', title: 'Unsigned token (alg "none")', detail: 'Anyone can forge an unsigned token; never accept it.' });
  else if (typeof alg !== 'string') out.push({ id: 'alg', status: 'fail', title: 'No "alg" header', detail: 'A JWS must say which algorithm signed it.' });
  else if (alg === 'ES256' || alg === 'RS256') out.push({ id: 'alg', status: 'pass', title: `Algorithm ${alg}`, detail: `Asymmetric signature${typeof h.kid === 'string' ? ` with key id ${h.kid}` : ''}; verifiable against the JWKS.` });
  else out.push({ id: 'alg', status: 'warn', title: `Algorithm ${alg}`, detail: 'AuthPlane signs with ES256 or RS256; this token was signed by another server.' });

  out.push(signatureCheck(ctx.signature));

  const iss = p.iss;
  if (iss === ctx.issuer) out.push({ id: 'iss', status: 'pass', title: 'Issuer matches', detail: `iss is exactly ${ctx.issuer}.` });
  else if (typeof iss !== 'string') out.push({ id: 'iss', status: 'fail', title: 'No issuer', detail: `The token has no "iss" claim; it must be ${ctx.issuer}.` });
  else {
    const parts = diffChars(ctx.issuer, iss);
    out.push({ id: 'iss', status: 'fail', title: 'Issuer differs', detail: `iss must equal this server's issuer byte for byte; it has ${describeDiff(parts)}. Verifiers compare it exactly.`, diff: { label: 'issuer', expected: ctx.issuer, actual: iss, parts } });
  }

  const aud = p.aud;
  const audValues = audiences(aud);
  const matched = matchAudience(aud, ctx.resources);
  if (audValues.length === 0) out.push({ id: 'aud', status: 'fail', title: 'No audience', detail: 'The token has no "aud": any server would accept it. AuthPlane sets aud to the resource URI.' });
  else if (matched) out.push({ id: 'aud', status: 'pass', title: `Audience is ${matched.display_name}`, detail: `aud equals the registered URI of resource "${matched.slug}" byte for byte: ${matched.uri}` });
  else if (ctx.resources.length === 0) out.push({ id: 'aud', status: 'fail', title: 'Audience is not a registered resource', detail: `aud is ${audValues.join(', ')}, and no resources are registered yet.` });
  else {
    let best: { r: Resource; v: string; d: number } | undefined;
    for (const v of audValues) for (const r of ctx.resources) {
      const d = editDistance(r.uri, v);
      if (!best || d < best.d) best = { r, v, d };
    }
    const { r, v } = best!;
    const parts = diffChars(r.uri, v);
    out.push({
      id: 'aud',
      status: 'fail',
      title: 'Audience is not a registered resource',
      detail: `aud must equal a registered resource URI byte for byte. The closest is "${r.slug}" (${r.uri}); the token has ${describeDiff(parts)}. The MCP server will reject it: make the client request exactly ${r.uri}, or register the URI the server publishes.`,
      diff: { label: `resource ${r.slug}`, expected: r.uri, actual: v, parts },
    });
  }

  const exp = numericDate(p.exp);
  const nbf = numericDate(p.nbf);
  const iat = numericDate(p.iat);
  if (exp === undefined) out.push({ id: 'exp', status: 'fail', title: 'No expiry', detail: 'Access tokens must expire ("exp" claim).' });
  else if (exp <= ctx.now) out.push({ id: 'exp', status: 'fail', title: `Expired ${ago(exp, ctx.now)}`, detail: `It expired at ${localDate(exp)}. The client should refresh it or start a new authorization.` });
  else out.push({ id: 'exp', status: 'pass', title: `Expires ${relative(exp, ctx.now)}`, detail: `Valid until ${localDate(exp)}${iat !== undefined ? ` (lifetime ${duration(exp - iat)})` : ''}.` });
  if (nbf !== undefined) {
    if (nbf > ctx.now + CLOCK_LEEWAY_MS) out.push({ id: 'nbf', status: 'fail', title: `Not valid yet: starts ${relative(nbf, ctx.now)}`, detail: `"nbf" is ${localDate(nbf)}; check both machines' clocks.` });
    else out.push({ id: 'nbf', status: 'pass', title: 'Already valid (nbf)', detail: `Valid since ${localDate(nbf)}${nbf > ctx.now ? ' (within the clock tolerance)' : ''}.` });
  }
  if (iat !== undefined) {
    if (iat > ctx.now + 2 * CLOCK_LEEWAY_MS) out.push({ id: 'iat', status: 'warn', title: `Issued in the future (${relative(iat, ctx.now)})`, detail: 'The issuing clock runs ahead of this one.' });
    else out.push({ id: 'iat', status: 'info', title: `Issued ${ago(iat, ctx.now)}`, detail: `At ${localDate(iat)}.` });
  }

  const scope = p.scope;
  if (scope === undefined) out.push({ id: 'scope', status: 'warn', title: 'No scope', detail: 'The token grants no scopes; MCP servers that require one will answer 403 insufficient_scope.' });
  else if (typeof scope !== 'string') out.push({ id: 'scope', status: 'fail', title: '"scope" is not a string', detail: 'RFC 9068 scope is one space-separated string.' });
  else {
    const names = scope.split(' ').filter(Boolean);
    if (!matched) out.push({ id: 'scope', status: 'warn', title: `Scopes: ${names.join(', ') || 'none'}`, detail: 'Cannot check them against a catalog: the audience is not a registered resource.' });
    else {
      const catalog = matched.scopes.map((s) => s.name);
      const unknown = names.filter((n) => !catalog.includes(n));
      if (unknown.length) out.push({ id: 'scope', status: 'fail', title: `Unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, detail: `Not in ${matched.slug}'s catalog (${catalog.join(', ') || 'empty'}).` });
      else out.push({ id: 'scope', status: 'pass', title: `Scopes: ${names.join(', ') || 'none'}`, detail: names.length ? `All in ${matched.slug}'s catalog: ${names.map((n) => `${n} (${matched.scopes.find((s) => s.name === n)?.description ?? n})`).join(', ')}.` : 'No scopes granted.' });
    }
  }

  const cid = p.client_id;
  const gateway = typeof cid === 'string' && isRecord(p.act) && p.act.sub === cid ? ctx.resources.find((r) => r.slug === cid) : undefined;
  if (gateway) out.push({ id: 'client', status: 'info', title: `Exchanged by gateway ${gateway.display_name}`, detail: `client_id ${cid} is the gateway resource's slug, as AuthPlane signs a token it exchanged (RFC 8693); the agent is further down the act chain.` });
  else if (typeof cid !== 'string') out.push({ id: 'client', status: 'warn', title: 'No client_id', detail: 'RFC 9068 tokens name the client they were issued to.' });
  else if (ctx.clients && !ctx.clients.some((c) => c.client_id === cid)) out.push({ id: 'client', status: 'warn', title: `Unknown client ${cid}`, detail: 'No client with this id is registered here (deleted, or issued by another server).' });
  else {
    const c = ctx.clients?.find((x) => x.client_id === cid);
    out.push({ id: 'client', status: 'info', title: `Client ${c ? c.client_name : cid}`, detail: c ? `client_id ${cid}, registered ${c.registration_source === 'admin' ? 'by an admin' : c.registration_source === 'dcr' ? 'dynamically (DCR)' : 'by metadata document (CIMD)'}.` : `client_id ${cid}.` });
  }
  const sub = p.sub;
  if (typeof sub !== 'string') out.push({ id: 'sub', status: 'warn', title: 'No subject', detail: 'The token does not say which user approved it.' });
  else {
    const u = ctx.users?.find((x) => x.sub === sub);
    out.push({ id: 'sub', status: 'info', title: `User ${u ? u.name : sub}`, detail: u ? `sub ${sub}${u.email ? `, ${u.email}` : ''}.` : `sub ${sub}${ctx.users ? ' (not a local user here)' : ''}.` });
  }
  if (typeof p.jti !== 'string') out.push({ id: 'jti', status: 'warn', title: 'No jti', detail: 'Without a token id it cannot be revoked individually or found in the issuance log.' });
  return out;
}

/** One sentence for the whole token. */
export function verdict(checks: Check[]): { status: CheckStatus; text: string } {
  const fails = checks.filter((c) => c.status === 'fail');
  if (fails.length) return { status: 'fail', text: `${fails.length} problem${fails.length > 1 ? 's' : ''}: ${fails.map((c) => c.title.toLowerCase()).join('; ')}.` };
  const warns = checks.filter((c) => c.status === 'warn');
  if (warns.length) return { status: 'warn', text: `Valid, with ${warns.length} warning${warns.length > 1 ? 's' : ''}.` };
  return { status: 'pass', text: 'Valid: an MCP server protected by AuthPlane will accept this token.' };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
