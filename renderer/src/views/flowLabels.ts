/** How flows and their steps are named in the window. */
import type { FlowEndpoint, FlowKind, FlowOutcome, FlowStep, FlowSummary } from '../../../server/contracts';
import type { StepTone, TimelineStep } from '../components/timeline';

export const ENDPOINT_LABEL: Record<FlowEndpoint, string> = {
  register: 'Client registration',
  authorize: 'Authorization request',
  consent: 'Consent page',
  decision: 'Consent decision',
  token: 'Token request',
  revoke: 'Revocation',
  introspect: 'Introspection',
  jwks: 'JWKS',
  metadata: 'Server metadata',
  cimd: 'Client ID Metadata Document fetch',
  mcp: 'MCP request',
  other: 'Request',
};

const GRANT_LABEL: Record<string, string> = {
  authorization_code: 'code exchange',
  refresh_token: 'refresh',
  client_credentials: 'client credentials',
};

export const KIND_LABEL: Record<FlowKind, string> = {
  authorization_code: 'Authorization code',
  client_credentials: 'Client credentials',
  refresh: 'Refresh',
  registration: 'Registration',
};

export const OUTCOME: Record<FlowOutcome, { label: string; tone: 'green' | 'red' | 'blue' }> = {
  in_progress: { label: 'In progress', tone: 'blue' },
  succeeded: { label: 'Succeeded', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
};

export function stepTitle(s: Pick<FlowStep, 'endpoint' | 'grant_type'>): string {
  const base = ENDPOINT_LABEL[s.endpoint];
  const grant = s.grant_type ? (GRANT_LABEL[s.grant_type] ?? s.grant_type) : undefined;
  return grant ? `${base} (${grant})` : base;
}

/** Who the flow is for: the client's name, else its id, else what is known. */
export function flowTitle(f: Pick<FlowSummary, 'client_name' | 'client_id'>): string {
  return f.client_name ?? f.client_id ?? 'Unknown client';
}

/**
 * A step on the timeline. A failed step that is not the one that failed the flow (a client that
 * retried and got through) is a warning: it went wrong, but the flow went on.
 */
export function flowTimelineStep(s: FlowStep, failedStepId: string | null): TimelineStep {
  const tone: StepTone = s.ok ? (s.warnings?.length ? 'warn' : 'pass') : s.id === failedStepId ? 'fail' : 'warn';
  // With an explanation, its "what happened" says what error_description says: keep just the code.
  const error = s.error && !s.explanation && s.error_description ? `${s.error}: ${s.error_description}` : s.error;
  return {
    id: s.id,
    tone,
    title: stepTitle(s),
    method: s.method,
    target: s.url,
    status: s.status,
    durationMs: s.duration_ms,
    at: s.at,
    detail: [error, ...(s.warnings ?? [])].filter(Boolean).join(' · ') || undefined,
    explanation: s.explanation,
    faultId: s.fault_id,
    exchange: s.exchange,
    curl: s.curl,
  };
}
