/**
 * The flow timeline: every exchange one client made for one authorization, grouped into a flow
 * (registration → authorize → consent page → decision → code exchange → refreshes → revocation;
 * `client_credentials` is a one-step flow; CIMD fetches and fired faults are steps too).
 *
 * Flows live in memory only (they are a debugging view, not a record: the issuance log and the
 * audit trail are the record) and roll off at a documented limit. Secrets (codes, verifiers,
 * client secrets, tokens, cookies, the admin token) are masked unless the caller explicitly asks
 * to reveal them. Browser-safe (zod only): the API, the CLI and the window share these types.
 */
import { z } from 'zod';
import { IsoTime } from './common';

/** Which endpoint a step hit; `consent` is the consent page, `decision` the Approve/Deny post. */
export const FlowEndpoint = z.enum([
  'register',
  'authorize',
  'consent',
  'decision',
  'token',
  'revoke',
  'introspect',
  'jwks',
  'metadata',
  'cimd',
  'mcp',
  'other',
]);
export type FlowEndpoint = z.infer<typeof FlowEndpoint>;

/** `in_progress` until a token is issued (succeeded) or a step fails with nothing after it (failed). */
export const FlowOutcome = z.enum(['in_progress', 'succeeded', 'failed']);
export type FlowOutcome = z.infer<typeof FlowOutcome>;

/** What kind of authorization the flow is (a doctor walk is no flow: its report shows its round trips). */
export const FlowKind = z.enum(['authorization_code', 'client_credentials', 'refresh', 'registration']);
export type FlowKind = z.infer<typeof FlowKind>;

/** The text that replaces a masked secret (the first characters stay so steps can be told apart). */
export const MASK = '••••';

export const FlowHeader = z.object({ name: z.string(), value: z.string() });
export type FlowHeader = z.infer<typeof FlowHeader>;

/** A request or response body as recorded: capped at FLOW_BODY_CAP bytes (`truncated` then). */
export const FlowBody = z.object({
  mime_type: z.string(),
  text: z.string(),
  /** Size of the whole body in bytes, before the cap. */
  size: z.number().int().nonnegative(),
  truncated: z.boolean(),
});
export type FlowBody = z.infer<typeof FlowBody>;

/** One HTTP exchange: what was sent and what came back. */
export const FlowExchange = z.object({
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.array(FlowHeader),
    body: FlowBody.nullable(),
  }),
  response: z.object({
    status: z.number().int(),
    headers: z.array(FlowHeader),
    body: FlowBody.nullable(),
  }),
});
export type FlowExchange = z.infer<typeof FlowExchange>;

/**
 * The server's own explanation of a step: which check failed, what the spec expects, what the
 * client should do next, and the fix when it is the developer's to make.
 */
export const FlowExplanation = z.object({
  /** The check, in a few words ("resource matches a registered MCP server"). */
  check: z.string(),
  /** What happened, with the exact values ("the client sent resource http://localhost:3001/mcp; …"). */
  detail: z.string(),
  /** What the specification says, with its section ("RFC 8707 §2: …"). */
  spec: z.string().optional(),
  /** What a well-behaved client does next. */
  next: z.string().optional(),
  /** The change the developer should make, when it is theirs to make. */
  fix: z.string().optional(),
});
export type FlowExplanation = z.infer<typeof FlowExplanation>;

export const FlowStep = z.object({
  id: z.string(),
  at: IsoTime,
  endpoint: FlowEndpoint,
  method: z.string(),
  /** Path and query as received (secrets in the query masked unless revealed). */
  url: z.string(),
  status: z.number().int(),
  duration_ms: z.number().nonnegative(),
  /** `grant_type` of a token request. */
  grant_type: z.string().optional(),
  /** False for a 4xx/5xx or an error redirect. */
  ok: z.boolean(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  explanation: FlowExplanation.optional(),
  /** The armed fault that answered this step, when one fired. */
  fault_id: z.string().optional(),
  /** The server's warnings on this request (the activity log's), also on steps that succeeded. */
  warnings: z.array(z.string()).optional(),
  /** A shell command reproducing the request (masked like the rest unless revealed); in `GET /flows/:id`. */
  curl: z.string().optional(),
  exchange: FlowExchange,
});
export type FlowStep = z.infer<typeof FlowStep>;

/** A step as listed: enough to draw the timeline's rail. */
export const FlowStepSummary = FlowStep.pick({ id: true, at: true, endpoint: true, method: true, status: true, ok: true });
export type FlowStepSummary = z.infer<typeof FlowStepSummary>;

const FlowHead = z.object({
  id: z.string(),
  kind: FlowKind,
  /** Null until the client is known (e.g. a registration that failed). */
  client_id: z.string().nullable(),
  client_name: z.string().nullable(),
  /** The resource URI the flow asked for, when known. */
  resource: z.string().nullable(),
  /** The user who decided, when known. */
  sub: z.string().nullable(),
  started_at: IsoTime,
  updated_at: IsoTime,
  outcome: FlowOutcome,
  /** The step that failed the flow (the last failed one), when outcome is `failed`. */
  failed_step_id: z.string().nullable(),
});

/** `GET /admin/api/flows` and `admin flow list`: newest first. */
export const FlowSummary = FlowHead.extend({ steps: z.array(FlowStepSummary) });
export type FlowSummary = z.infer<typeof FlowSummary>;

/** `GET /admin/api/flows/:id` and `admin flow show`: every step with its full exchange. */
export const Flow = FlowHead.extend({
  steps: z.array(FlowStep),
  /** False only when the caller asked to reveal secrets (`?reveal=true`, `--reveal`). */
  masked: z.boolean(),
  /** Steps that rolled off: the oldest of a long flow (FLOW_LIMITS.stepsPerFlow), or whose text newer steps wrote over (FLOW_LIMITS.totalBytes). */
  dropped_steps: z.number().int().nonnegative().optional(),
});
export type Flow = z.infer<typeof Flow>;

/**
 * What the server keeps (in memory): the newest `flows` flows of at most `stepsPerFlow` steps
 * each, bodies capped at `bodyBytes`, and the newest `totalBytes` of recorded text (URLs, headers,
 * bodies) in one buffer; past any limit the oldest roll off.
 */
export const FLOW_LIMITS = { flows: 200, stepsPerFlow: 50, bodyBytes: 16 * 1024, totalBytes: 8 * 1024 * 1024 } as const;

/** Query of `GET /admin/api/flows/:id` and `/har`: `reveal=true` shows the secrets (a local, explicit action). */
export const FlowShowQuery = z
  .object({ reveal: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional() })
  .strict();
export type FlowShowQuery = z.infer<typeof FlowShowQuery>;

/** Query of `GET /admin/api/flows` (unknown parameters are refused, as on every admin route). */
export const FlowListQuery = z
  .object({
    client: z.string().min(1).optional(),
    resource: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    outcome: FlowOutcome.optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type FlowListQuery = z.infer<typeof FlowListQuery>;
