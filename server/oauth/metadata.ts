/**
 * RFC 8414 metadata, and the same document completed into valid OpenID discovery (the TS SDK's
 * OIDC schema requires jwks_uri, subject_types_supported and id_token_signing_alg_values_supported;
 * a partial document makes it fail hard).
 *
 * Served at every URL an MCP client tries (SEP-2351, MCP 2026-07-28 "Authorization Server
 * Metadata Discovery"): for an issuer with a path, the RFC 8414 and OIDC forms with the well-known
 * segment inserted before the path (`/.well-known/oauth-authorization-server/<path>`,
 * `/.well-known/openid-configuration/<path>`) and the OIDC form appended to it
 * (`/<path>/.well-known/openid-configuration`, answered by the root route once
 * http/issuerPath.ts strips the path); the root forms always. Every form carries the same
 * `issuer`, byte for byte the one in tokens and in the `iss` authorization response parameter, so
 * a client can bind its credentials to it (SEP-2352).
 */
import { GRANT_TYPES } from '../contracts/enums';
import type { RouteTable } from '../http/routes';
import type { Services } from '../domain/services';
import { faultStep } from './faults';
import { PATHS } from './paths';
import { issuerPath } from '../http/issuerPath';
import { OFFLINE_ACCESS } from '../domain/offlineAccess';

export function asMetadata(s: Services): Record<string, unknown> {
  const iss = s.deps.config.issuer;
  const authMethods = ['none', 'client_secret_basic', 'client_secret_post'];
  return {
    issuer: iss,
    authorization_endpoint: iss + PATHS.authorize,
    token_endpoint: iss + PATHS.token,
    jwks_uri: iss + PATHS.jwks,
    registration_endpoint: iss + PATHS.register,
    revocation_endpoint: iss + PATHS.revoke,
    introspection_endpoint: iss + PATHS.introspect,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANT_TYPES],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'bearer'],
    // offline_access: SEP-2207, a client may ask for a refresh token explicitly (domain/offlineAccess.ts).
    scopes_supported: [...s.resources.allScopeNames(), OFFLINE_ACCESS],
    resource_indicators_supported: true,
    // Off (serve --no-cimd) the member is left out, so clients fall back to dynamic registration.
    ...(s.deps.config.cimd ? { client_id_metadata_document_supported: true } : {}),
    authorization_response_iss_parameter_supported: true,
    service_documentation: 'https://github.com/authplane/desktop#readme',
  };
}

export function oidcMetadata(s: Services): Record<string, unknown> {
  return {
    ...asMetadata(s),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'client_id', 'scope'],
  };
}

export function mountMetadata(router: RouteTable, s: Services): void {
  const path = issuerPath(s.deps.config.issuer);
  for (const url of path ? [PATHS.asMetadata, PATHS.asMetadata + path] : [PATHS.asMetadata]) {
    router.get(url, faultStep(s.faults, 'metadata'), (ctx) => {
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = asMetadata(s);
    });
  }
  for (const url of path ? [PATHS.oidcMetadata, PATHS.oidcMetadata + path] : [PATHS.oidcMetadata]) {
    router.get(url, faultStep(s.faults, 'metadata'), (ctx) => {
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = oidcMetadata(s);
    });
  }
  router.get(PATHS.jwks, faultStep(s.faults, 'jwks'), (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(s.keys.jwks());
  });
}
