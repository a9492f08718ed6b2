/** The fixed vocabularies, zod-free so the CLI's command tree (flag choices) can use them without loading zod. */
/** RFC 8693 token exchange: a gateway trades a user's token for one bound to a hidden server it fronts. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange' as const;
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE_GRANT] as const;
export const ISSUANCE_STATES = ['active', 'expired', 'revoked'] as const;

/** The endpoints a fault on demand can make fail. */
export const FAULT_ENDPOINTS = ['authorize', 'token', 'register', 'revoke', 'introspect', 'jwks', 'metadata'] as const;
/** The longest delay a fault may add (a client's own timeout is what is under test, not ours). */
export const MAX_FAULT_DELAY_MS = 120_000;
