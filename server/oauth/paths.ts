/** Fixed endpoint paths, advertised in metadata. */
export const PATHS = {
  asMetadata: '/.well-known/oauth-authorization-server',
  oidcMetadata: '/.well-known/openid-configuration',
  jwks: '/.well-known/jwks.json',
  authorize: '/oauth/authorize',
  token: '/oauth/token',
  register: '/oauth/register',
  revoke: '/oauth/revoke',
  introspect: '/oauth/introspect',
  consent: '/consent',
} as const;
