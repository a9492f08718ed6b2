/** OAuth clients (MCP agents): registered by the admin surface, by DCR, or resolved from a CIMD URL. */
import { z } from 'zod';
import { AuthMethod, GrantType, IsoTime, ScopeName } from './common';

export const RegistrationSource = z.enum(['admin', 'dcr', 'cimd']);
export type RegistrationSource = z.infer<typeof RegistrationSource>;

/** Redirect URIs: https anywhere, http only on loopback hosts, custom schemes for native apps; no fragment. */
export const RedirectUri = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      if (u.hash || v.includes('#')) return false;
      if (u.protocol === 'http:') return ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
      if (u.protocol === 'https:') return u.host !== '';
      // Private-use schemes (RFC 8252 §7.1) such as `cursor://` or `com.example.app:/cb`.
      return /^[a-z][a-z0-9+.-]*:$/.test(u.protocol) && !['javascript:', 'data:', 'vbscript:', 'file:'].includes(u.protocol);
    } catch {
      return false;
    }
  }, 'redirect URI must be https, http on a loopback host (localhost, 127.0.0.1, [::1]) or a private-use scheme, with no fragment');

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
});
export type ClientInput = z.input<typeof ClientInput>;

/** What PATCH /admin/api/clients/:id may change; identity, auth method and secrets are fixed at creation. */
export const ClientPatch = z
  .object({
    client_name: ClientInput.shape.client_name,
    redirect_uris: ClientInput.shape.redirect_uris.unwrap(),
    grant_types: ClientInput.shape.grant_types.unwrap(),
    scope: ClientInput.shape.scope.unwrap(),
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
  application_type: z.enum(['web', 'native']).optional(),
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
