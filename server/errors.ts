/**
 * Errors carry their wire code. One handler (http/errorHandler.ts) renders them as OAuth JSON
 * or as an HTML page, and hides everything about a 5xx except that it happened.
 */
export class OAuthError extends Error {
  /** Wire code (RFC 6749 §5.2 and friends). */
  readonly error: string;
  readonly status: number;
  /** Whether /oauth/authorize may send this error to the client's redirect_uri. */
  allowRedirect = true;
  /** Extra members for the JSON body (e.g. `registration_endpoint`). */
  extra: Record<string, unknown> = {};
  /** Extra response headers (e.g. WWW-Authenticate). */
  headers: Record<string, string> = {};
  /** Internal detail for logs, never sent. */
  detail?: string;
  /** The change the developer should make, when it is theirs (the flow timeline shows it; never sent). */
  fix?: string;

  constructor(error: string, description: string, status = 400) {
    super(description);
    this.name = 'OAuthError';
    this.error = error;
    this.status = status;
  }

  get expose(): boolean {
    return this.status < 500;
  }

  toJSON(): Record<string, unknown> {
    return { error: this.error, error_description: this.message, ...this.extra };
  }
}

const make = (code: string, status = 400) =>
  class extends OAuthError {
    constructor(description: string) {
      super(code, description, status);
      this.name = code;
    }
  };

export const InvalidRequest = make('invalid_request');
export const InvalidGrant = make('invalid_grant');
export const InvalidScope = make('invalid_scope');
export const InvalidTarget = make('invalid_target');
export const UnauthorizedClient = make('unauthorized_client');
export const UnsupportedGrantType = make('unsupported_grant_type');
export const UnsupportedResponseType = make('unsupported_response_type');
export const AccessDenied = make('access_denied', 403);
export const InvalidClientMetadata = make('invalid_client_metadata');
export const InvalidRedirectUriMeta = make('invalid_redirect_uri');
export const NotFound = make('not_found', 404);
export const Conflict = make('conflict', 409);
export const MethodNotAllowed = make('method_not_allowed', 405);
export const PayloadTooLarge = make('invalid_request', 413);
export const UnsupportedMediaType = make('invalid_request', 415);
export const TemporarilyUnavailable = make('temporarily_unavailable', 503);

/** 401 with a Basic challenge, as RFC 6749 §5.2 asks when the client used (or should use) Basic. */
export class InvalidClient extends OAuthError {
  constructor(description = 'client authentication failed') {
    super('invalid_client', description, 401);
    this.name = 'invalid_client';
    this.headers['WWW-Authenticate'] = 'Basic realm="authplane"';
  }
}

/** Admin API: missing or wrong admin token. */
export class Unauthorized extends OAuthError {
  constructor(description = 'admin token required: send Authorization: Bearer <token from the data dir>') {
    super('unauthorized', description, 401);
    this.name = 'unauthorized';
    this.headers['WWW-Authenticate'] = 'Bearer realm="authplane-admin"';
  }
}

/**
 * /oauth/authorize errors that must never redirect (unknown client, bad redirect_uri): the
 * redirect target is not trusted, so the user gets a page instead (RFC 6749 §4.1.2.1).
 */
export class PageError extends OAuthError {
  readonly title: string;
  /** What to do about it: paragraphs under the description (http/page.ts errorPage). */
  readonly hint?: string;
  constructor(error: string, title: string, description: string, status = 400, hint?: string) {
    super(error, description, status);
    this.name = 'PageError';
    this.title = title;
    this.allowRedirect = false;
    this.hint = hint;
  }
}

/** Persistence failed (disk full, read-only dir): the request fails, no token leaves without its row. */
export class StorageError extends Error {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.file = file;
  }
}

/**
 * A conditional family put lost a race: another change was staged since the caller read the
 * family. Never reaches the wire: the caller reads again and decides again.
 */
export class FamilyChanged extends Error {
  constructor(readonly familyId: string) {
    super(`refresh family ${familyId} changed since it was read`);
    this.name = 'FamilyChanged';
  }
}

/** A data file that cannot be parsed. Never silently reset: the user decides. */
export class CorruptDataError extends StorageError {
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(file, message, options);
    this.name = 'CorruptDataError';
  }
}
