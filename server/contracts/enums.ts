/** The fixed vocabularies, zod-free so the CLI's fast paths can use them without loading zod. */
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const ISSUANCE_STATES = ['active', 'expired', 'revoked'] as const;
