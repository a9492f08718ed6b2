/**
 * The explanation of a failed step, built from the server's own answer: the error's wire code
 * says which check failed, its description (the exact values) is the detail, the warnings the
 * steps attached (the activity log's) add what they noticed, and an error that knows the
 * developer's fix (a resource that is a near miss of a registered one) carries it. No check is
 * made again here.
 */
import type { FlowEndpoint, FlowExplanation } from '../contracts/flows';

interface Rule {
  check: string;
  spec?: string;
  next?: string;
}

const RULES: Record<string, Rule> = {
  invalid_target: {
    check: 'resource matches a registered MCP server',
    spec: 'RFC 8707 §2: resource is the absolute URI of the MCP server (the one in its Protected Resource Metadata); an unknown one is refused with invalid_target',
    next: 'Correct the resource value and start the authorization again; the same request fails the same way.',
  },
  invalid_scope: {
    check: 'scopes are defined for the resource and allowed for the client',
    spec: 'RFC 6749 §3.3: the authorization server refuses a scope it does not know with invalid_scope',
    next: "Ask only for scopes the MCP server advertises (scopes_supported in its Protected Resource Metadata, or the challenge's scope).",
  },
  invalid_client: {
    check: 'the client is known and authenticated',
    spec: 'RFC 6749 §5.2: invalid_client when client authentication fails or the client is unknown',
    next: 'Register the client (POST /oauth/register) or send its registered credentials, then retry.',
  },
  unauthorized_client: {
    check: 'the client may use this grant',
    spec: 'RFC 6749 §5.2: unauthorized_client when the client is not registered for the grant type',
  },
  unsupported_grant_type: { check: 'the grant type is supported', spec: 'RFC 6749 §5.2' },
  unsupported_response_type: { check: 'response_type is "code"', spec: 'OAuth 2.1 §4.1.1: only the authorization code flow exists' },
  access_denied: {
    check: 'the user approved the request',
    spec: 'RFC 6749 §4.1.2.1: access_denied when the resource owner or the server refuses',
    next: 'Tell the user access was not granted; ask again only when they act.',
  },
  consent_required: {
    check: 'consent exists for prompt=none',
    spec: 'OpenID Connect Core §3.1.2.6: prompt=none cannot show a consent page',
    next: 'Start the authorization again without prompt=none so the user can approve.',
  },
  invalid_client_metadata: { check: 'the registration metadata is valid', spec: 'RFC 7591 §3.2.2', next: 'Fix the named field and register again.' },
  invalid_redirect_uri: { check: 'the redirect URIs are allowed', spec: 'RFC 7591 §3.2.2 and RFC 8252 §7.3 (loopback)', next: 'Register a loopback or https redirect URI.' },
  temporarily_unavailable: { check: 'the server could answer', spec: 'RFC 6749 §4.1.2.1', next: 'Retry later, with backoff.' },
  server_error: { check: 'the server could answer', spec: 'RFC 6749 §4.1.2.1', next: 'Retry later, with backoff; the server log says what broke.' },
  not_found: { check: 'the endpoint exists' },
  method_not_allowed: { check: 'the HTTP method is allowed on this endpoint' },
};

/** invalid_grant and invalid_request read differently per endpoint and grant. */
function ruleFor(error: string, endpoint: FlowEndpoint, grantType: string | undefined, warnings: string[]): Rule {
  if (endpoint === 'cimd') {
    return {
      check: 'the Client ID Metadata Document is valid',
      spec: 'draft-ietf-oauth-client-id-metadata-document: the client_id URL serves, over https, a JSON document whose client_id is that URL, with its redirect_uris',
      next: 'Serve the document at the client_id URL (no redirects, at most 64 KB) and start the authorization again.',
    };
  }
  if (warnings.some((w) => /code_verifier|code_challenge|PKCE|SHA256/i.test(w))) {
    return {
      check: 'PKCE with S256',
      spec: 'OAuth 2.1 §4.1.1 and RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the code_challenge of the authorization request',
      next: 'Send the code_verifier of the same authorization (PKCE is mandatory for every client), then start again: the code cannot be retried.',
    };
  }
  if (error === 'invalid_grant') {
    return grantType === 'refresh_token'
      ? { check: 'the refresh token is current', spec: 'OAuth 2.1 §4.3.1 and §6.1: a rotated, revoked or expired refresh token is refused with invalid_grant', next: 'Drop the stored tokens and start a new authorization.' }
      : { check: 'the authorization code is valid for this client', spec: 'OAuth 2.1 §4.1.3: a code is single-use, short-lived and bound to its client, redirect_uri and PKCE challenge', next: 'Start the authorization again for a new code.' };
  }
  if (warnings.some((w) => /redirect_uri/.test(w))) {
    return { check: 'redirect_uri is registered for the client', spec: 'OAuth 2.1 §4.1.1 and RFC 8252 §7.3: exact match (the port of a loopback redirect may differ)', next: 'Register the redirect URI the client uses, or make it use a registered one.' };
  }
  return RULES[error] ?? { check: 'the request is valid', spec: error === 'invalid_request' ? 'RFC 6749 §5.2: invalid_request names a missing, repeated or malformed parameter' : undefined, next: 'Fix what the description names and send the request again.' };
}

export interface ExplainInput {
  endpoint: FlowEndpoint;
  error: string;
  description?: string;
  grantType?: string;
  warnings: string[];
  fix?: string;
  faultId?: string;
}

export function explain(i: ExplainInput): FlowExplanation {
  if (i.faultId) {
    return {
      check: 'an armed fault answered',
      detail: `AuthPlane fault ${i.faultId} answered this ${i.endpoint} request on purpose with ${i.error}${i.description ? `: ${i.description}` : ''}`,
      next: 'This is the failure you asked for: check that the client handles it (retries, refreshes or re-authorizes as it should).',
    };
  }
  const rule = ruleFor(i.error, i.endpoint, i.grantType, i.warnings);
  const extra = i.warnings.filter((w) => w !== i.description);
  const detail = [i.description ?? i.error, ...extra].join('; ');
  return { check: rule.check, detail, ...(rule.spec ? { spec: rule.spec } : {}), ...(rule.next ? { next: rule.next } : {}), ...(i.fix ? { fix: i.fix } : {}) };
}
