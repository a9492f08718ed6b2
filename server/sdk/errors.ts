/**
 * Errors thrown by the resource-server verifier. Each one knows its HTTP status and RFC 6750
 * error code, and its message is written for the developer reading a 401 at 2 a.m.: it says
 * which value was found and which was expected, so the fix is obvious from the description.
 *
 * This file has no dependencies so every adapter (and user code) can `instanceof` these.
 */

/** RFC 6750 §3.1 codes, plus the RFC 6749 code we use for "try again later". */
export type AuthErrorCode = 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable';

/** Base class: everything the verifier throws on purpose is a ResourceAuthError. */
export abstract class ResourceAuthError extends Error {
  abstract readonly status: 401 | 403 | 503;
  abstract readonly code: AuthErrorCode;

  constructor(description: string, options?: { cause?: unknown }) {
    super(description, options);
  }

  /** The human explanation; the same text goes into `error_description`. */
  get description(): string {
    return this.message;
  }
}

/** 401 `invalid_token`: the token is malformed, expired, for someone else, or badly signed. */
export class InvalidTokenError extends ResourceAuthError {
  override readonly name: string = 'InvalidTokenError';
  readonly status = 401 as const;
  readonly code = 'invalid_token' as const;
}

/**
 * 401 without an error code: the request carried no bearer credentials at all. RFC 6750 §3.1
 * says the challenge SHOULD then omit `error`, so clients treat it as "please authenticate"
 * rather than "your token is bad". It extends InvalidTokenError so a plain
 * `instanceof InvalidTokenError` still catches it.
 */
export class MissingTokenError extends InvalidTokenError {
  override readonly name: string = 'MissingTokenError';
}

/** 403 `insufficient_scope`: a valid token that lacks a scope this operation needs. */
export class InsufficientScopeError extends ResourceAuthError {
  override readonly name: string = 'InsufficientScopeError';
  readonly status = 403 as const;
  readonly code = 'insufficient_scope' as const;
  /** Every scope the operation requires. */
  readonly requiredScopes: readonly string[];
  /** The scopes the token carries. */
  readonly grantedScopes: readonly string[];
  /** `requiredScopes` minus `grantedScopes`. */
  readonly missingScopes: readonly string[];

  constructor(requiredScopes: readonly string[], grantedScopes: readonly string[], description?: string) {
    const missing = requiredScopes.filter((s) => !grantedScopes.includes(s));
    super(
      description ??
        `token lacks required scope ${quoteList(missing)} (required: "${requiredScopes.join(' ')}", ` +
          `granted: "${grantedScopes.join(' ')}")`,
    );
    this.requiredScopes = Object.freeze([...requiredScopes]);
    this.grantedScopes = Object.freeze([...grantedScopes]);
    this.missingScopes = Object.freeze(missing);
  }

  /**
   * The scope to put in the 403 challenge: what the token already has plus what is missing.
   * Step-up clients re-authorize with the challenged scope; MCP TS SDK v1 uses it verbatim
   * (it does not union), so sending only "write" would make it lose "read".
   */
  get challengeScopes(): string[] {
    return [...new Set([...this.grantedScopes, ...this.requiredScopes])];
  }
}

/** 503: the JWKS could not be fetched and no usable cached copy exists. */
export class JwksUnavailableError extends ResourceAuthError {
  override readonly name: string = 'JwksUnavailableError';
  readonly status = 503 as const;
  readonly code = 'temporarily_unavailable' as const;
}

/** 503: the authorization server metadata could not be fetched or is inconsistent. */
export class MetadataError extends ResourceAuthError {
  override readonly name: string = 'MetadataError';
  readonly status = 503 as const;
  readonly code = 'temporarily_unavailable' as const;
}

export function isResourceAuthError(err: unknown): err is ResourceAuthError {
  return err instanceof ResourceAuthError;
}

function quoteList(items: readonly string[]): string {
  return items.map((s) => `"${s}"`).join(', ');
}
