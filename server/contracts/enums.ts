/** The fixed vocabularies, zod-free so the CLI's command tree (flag choices) can use them without loading zod. */
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const ISSUANCE_STATES = ['active', 'expired', 'revoked'] as const;
