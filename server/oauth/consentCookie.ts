/**
 * The consent form's CSRF cookie: one per interaction, so two consent tabs open at once do not
 * overwrite each other's token (one shared cookie made Approve in the older tab fail).
 *
 * Named `authplane_consent_<port>_<interactionId>`: browsers do not separate cookies by port, so
 * the port keeps two AuthPlane servers on one host from counting or clearing each other's. Each
 * lives only as long as its interaction (Max-Age), is cleared once the interaction ends, and a
 * browser holds at most MAX_CONSENT_COOKIES of them: opening another page expires the cookies of
 * interactions that are gone, then the oldest live ones.
 */
import type { Context } from 'koa';
import { safeEqual } from '../domain/crypto';
import type { Interaction, InteractionService } from '../domain/interactions';
import { PATHS } from './paths';
import { cookiePairs, cookiePort } from '../http/cookies';

export const MAX_CONSENT_COOKIES = 16;
const PREFIX = 'authplane_consent_';
/** The single shared cookie of earlier versions: cleared when seen, never accepted. */
const LEGACY = 'authplane_consent';
/** Interaction ids are base64url (randomId). */
const UID = /^[\w-]{1,64}$/;

export function consentCookieName(port: number | string, uid: string): string {
  return `${PREFIX}${port}_${uid}`;
}

function header(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=${PATHS.consent}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict`;
}

function expire(ctx: Context, name: string): void {
  ctx.append('Set-Cookie', header(name, '', 0));
}

/** This server's consent cookies the request carries: interaction id → cookie value. */
function carried(ctx: Context): Map<string, string> {
  const own = `${PREFIX}${cookiePort(ctx.get('host'))}_`;
  const out = new Map<string, string>();
  for (const [name, value] of cookiePairs(ctx.get('cookie'))) {
    const uid = name.slice(own.length);
    // Only names this module could have set: anything else is never echoed into a Set-Cookie.
    if (name.startsWith(own) && UID.test(uid)) out.set(uid, value);
  }
  return out;
}

/**
 * Sets the cookie for the page about to be shown, and makes room: cookies of interactions that
 * ended go first, then the oldest beyond the cap (counting the new one).
 */
export function issueConsentCookie(ctx: Context, interactions: InteractionService, i: Interaction, now: number): void {
  const port = cookiePort(ctx.get('host'));
  const live: Interaction[] = [];
  for (const uid of carried(ctx).keys()) {
    if (uid === i.uid) continue;
    const other = interactions.get(uid);
    if (other && !other.outcome) live.push(other);
    else expire(ctx, consentCookieName(port, uid));
  }
  live.sort((a, b) => a.createdAt - b.createdAt);
  for (const old of live.slice(0, Math.max(0, live.length - (MAX_CONSENT_COOKIES - 1)))) expire(ctx, consentCookieName(port, old.uid));
  if (cookiePairs(ctx.get('cookie')).some(([name]) => name === LEGACY)) expire(ctx, LEGACY);
  const maxAge = Math.max(1, Math.ceil((i.expiresAt - now) / 1000));
  ctx.append('Set-Cookie', header(consentCookieName(port, i.uid), i.csrf, maxAge));
}

/** True when the request carries this interaction's own cookie with its token. */
export function consentCookieMatches(ctx: Context, i: Interaction): boolean {
  const value = carried(ctx).get(i.uid) ?? '';
  return value !== '' && safeEqual(value, i.csrf);
}

/** The interaction ended (decided here or elsewhere): its cookie is of no further use. */
export function clearConsentCookie(ctx: Context, uid: string): void {
  expire(ctx, consentCookieName(cookiePort(ctx.get('host')), uid));
}
