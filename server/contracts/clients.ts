/** OAuth clients (MCP agents): registered by the admin surface, by DCR, or resolved from a CIMD URL. */
import { z } from 'zod';
import { AuthMethod, GrantType, IsoTime, ScopeName } from './common';
import { parseDuration } from './duration';

export const RegistrationSource = z.enum(['admin', 'dcr', 'cimd']);
export type RegistrationSource = z.infer<typeof RegistrationSource>;

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Schemes a browser (or the OS on its behalf) owns or that run content. A private-use scheme
 * (RFC 8252 §7.1) names one app; these would hand the code to the browser itself, a local file,
 * a script or a page that any site can make.
 */
const BROWSER_SCHEMES = new Set(
  'about blob brave chrome chrome-extension chrome-search chrome-untrusted data devtools edge file filesystem ftp intent jar javascript mailto moz-extension opera resource safari-extension sms tel urn vbscript view-source vivaldi webkit ws wss'
    .split(' ')
    .map((x) => `${x}:`),
);

/**
 * Why a redirect URI may not be registered or used, or undefined when it may. The one rule for
 * every path (DCR, admin API, CLI, window, seed, CIMD and /oauth/authorize): https anywhere, http
 * only on a loopback host, or an app's own private-use scheme; absolute, printable ASCII, and no
 * fragment (RFC 6749 §3.1.2).
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (!/^[\x21-\x7E]+$/.test(uri)) return 'it must be printable ASCII without spaces (percent-encode anything else)';
  if (uri.includes('#')) return 'it has a fragment ("#..."), which RFC 6749 §3.1.2 forbids';
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return 'it is not an absolute URI';
  }
  if (u.protocol === 'http:') return LOOPBACK_HOSTS.includes(u.hostname) ? undefined : 'http is allowed only on a loopback host (localhost, 127.0.0.1, [::1]); use https';
  if (u.protocol === 'https:') return u.host ? undefined : 'an https redirect URI needs a host';
  if (BROWSER_SCHEMES.has(u.protocol)) return `the scheme "${u.protocol}" belongs to the browser, not to an app; use https, http on a loopback host, or your app's own private-use scheme (e.g. com.example.app:/callback)`;
  return undefined;
}

/**
 * OIDC `application_type` (SEP-837: MCP clients send it at registration). A native app (CLI,
 * desktop) receives the code on a loopback http listener or its own private-use scheme; a web
 * app on an https page of its own host.
 */
export const ApplicationType = z.enum(['native', 'web']);
export type ApplicationType = z.infer<typeof ApplicationType>;

/** A redirect a native app can receive: http on a loopback host, or a private-use scheme. */
function isNativeRedirect(u: URL): boolean {
  if (u.protocol === 'http:') return LOOPBACK_HOSTS.includes(u.hostname);
  return u.protocol !== 'https:';
}

/** A redirect only a web app receives: https on a host that is not loopback. */
function isWebRedirect(u: URL): boolean {
  return u.protocol === 'https:' && !LOOPBACK_HOSTS.includes(u.hostname);
}

const urlOf = (uri: string): URL | undefined => {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
};

/**
 * Why these redirect URIs do not fit the application type (SEP-837, OpenID Connect Dynamic
 * Client Registration §2), or undefined when they do. Checked after redirectUriProblem(), so each
 * URI is already an allowed redirect of some kind.
 */
export function applicationTypeProblem(type: ApplicationType, uris: readonly string[]): string | undefined {
  for (const uri of uris) {
    const u = urlOf(uri);
    if (!u) continue;
    if (type === 'native' && !isNativeRedirect(u)) {
      return `redirect URI "${uri}" does not fit application_type "native": a native app receives the code on a loopback http redirect (http://127.0.0.1, http://localhost or http://[::1], any port) or on its own private-use scheme (com.example.app:/callback); register an https redirect with application_type "web"`;
    }
    if (type === 'web' && !isWebRedirect(u)) {
      return `redirect URI "${uri}" does not fit application_type "web": a web app's redirect URIs must be https on a host that is not loopback; a loopback or private-use redirect belongs to application_type "native"`;
    }
  }
  return undefined;
}

/**
 * The type a client that did not say is taken to be, from its redirect URIs: all native-style →
 * native, all web-style → web, mixed or none → undefined. MCP clients of 2025-11-25 and older send
 * no application_type; OIDC's default ("web") would refuse every one of them with a loopback redirect.
 */
export function inferApplicationType(uris: readonly string[]): ApplicationType | undefined {
  const parsed = uris.map(urlOf).filter((u): u is URL => !!u);
  if (parsed.length === 0) return undefined;
  if (parsed.every(isNativeRedirect)) return 'native';
  if (parsed.every(isWebRedirect)) return 'web';
  return undefined;
}

export const RedirectUri = z
  .string()
  .max(2048)
  .superRefine((v, ctx) => {
    const problem = redirectUriProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `redirect URI "${v.length > 100 ? `${v.slice(0, 100)}...` : v}" is not allowed: ${problem}` });
  });

/**
 * What one dynamic registration may carry, so a registration's size (stored in clients.json and
 * copied into the audit log) is bounded; and how many self-registered clients may exist, so the
 * cost of each write is bounded too. Admin-created clients are not counted.
 */
export const DCR_LIMITS = {
  redirect_uris: 10,
  redirect_uri_length: 512,
  client_name_length: 100,
  grant_types: 10,
  response_types: 5,
  /** token_endpoint_auth_method, application_type and each grant or response type. */
  token_length: 100,
  scope_length: 1000,
  /** Self-registered clients the server keeps; past this, registration answers 403 until pruned. */
  clients: 500,
} as const;

/** Grants a self-registered client may hold: DCR creates user-delegated clients only (as AuthPlane). */
export const DCR_GRANTS = ['authorization_code', 'refresh_token'] as const;

export const ClientInput = z.object({
  client_name: z.string().min(1, 'client name is required').max(255),
  client_id: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7E]+$/, 'client_id must be printable ASCII without spaces')
    .optional(),
  redirect_uris: z.array(RedirectUri).max(20).default([]),
  grant_types: z.array(GrantType).min(1).default(['authorization_code', 'refresh_token']),
  token_endpoint_auth_method: AuthMethod.default('none'),
  /** Scope ceiling; empty = any scope of the requested resource. */
  scope: z.array(ScopeName).default([]),
  /** SEP-837; when omitted it is inferred from the redirect URIs (inferApplicationType). */
  application_type: ApplicationType.optional(),
});
export type ClientInput = z.input<typeof ClientInput>;

/** What PATCH /admin/api/clients/:id may change; identity, auth method and secrets are fixed at creation. */
export const ClientPatch = z
  .object({
    client_name: ClientInput.shape.client_name,
    redirect_uris: ClientInput.shape.redirect_uris.unwrap(),
    grant_types: ClientInput.shape.grant_types.unwrap(),
    scope: ClientInput.shape.scope.unwrap(),
    application_type: ApplicationType,
    status: z.enum(['active', 'suspended']),
  })
  .partial()
  .strict();
export type ClientPatch = z.input<typeof ClientPatch>;

export const Client = z.object({
  client_id: z.string(),
  client_name: z.string(),
  redirect_uris: z.array(z.string()),
  grant_types: z.array(GrantType),
  response_types: z.array(z.literal('code')),
  token_endpoint_auth_method: AuthMethod,
  scope: z.array(z.string()),
  status: z.enum(['active', 'suspended']),
  registration_source: RegistrationSource,
  cimd_url: z.string().optional(),
  application_type: ApplicationType.optional(),
  /** Hex SHA-256 of the secret; absent for public clients. Never sent over the admin API. */
  secret_hash: z.string().optional(),
  created_at: IsoTime,
  updated_at: IsoTime,
});
export type Client = z.infer<typeof Client>;
/** What the admin API and CLI show: the stored client without its secret hash. */
export type ClientView = Omit<Client, 'secret_hash'>;
/** The create response: the only time the secret is visible. */
export type CreatedClient = ClientView & { client_secret?: string };

/**
 * POST /admin/api/clients/prune and `authserver admin client prune`: delete self-registered
 * (DCR) clients that hold no live grant (no active consent, no live refresh-token family) and
 * registered longer ago than `older_than`, so an agent half-way through its first authorization
 * keeps its registration.
 */
export const ClientPruneInput = z
  .object({
    older_than: z
      .string()
      .refine((v) => parseDuration(v) !== undefined, 'older_than must be a duration such as 0, 30m, 1h or 7d')
      .default('1h'),
    dry_run: z.boolean().default(false),
  })
  .strict();
export type ClientPruneInput = z.input<typeof ClientPruneInput>;

export interface ClientPruneResult {
  /** client_ids deleted (or that would be, with dry_run). */
  pruned: string[];
  /** Self-registered clients left, and how many may exist. */
  remaining: number;
  limit: number;
  older_than: string;
  dry_run: boolean;
}
