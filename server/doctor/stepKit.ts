/**
 * What every doctor step is made of: an outcome (✓ ✗ !), a way to skip when an earlier step took
 * the input away, the state the walk carries from step to step, and the two calls most steps
 * make (the admin API, an MCP initialize). Steps live in steps/, in the order clients meet them.
 */
import type { DoctorStep, DoctorStepId } from '../contracts/doctor';
import type { McpProtocol } from '../contracts/mcpProtocol';
import type { Resource } from '../contracts/resources';
import type { AuthPlaneTarget } from './locate';
import type { DoctorFetch, DoctorRequest, HttpResult } from './http';

export type Outcome = { status: 'pass' | 'fail' | 'warn'; detail: string; fix?: string; compared?: DoctorStep['compared'] };
export const pass = (detail: string): Outcome => ({ status: 'pass', detail });
export const fail = (detail: string, fix?: string, compared?: DoctorStep['compared']): Outcome => ({ status: 'fail', detail, fix, compared });
export const warn = (detail: string, fix?: string): Outcome => ({ status: 'warn', detail, fix });

/** Thrown by a step whose input an earlier failure took away: reported as skipped, not failed. */
export class Skip {
  constructor(readonly reason: string) {}
}
export function need(cond: unknown, reason: string): asserts cond {
  if (!cond) throw new Skip(reason);
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** `error: error_description` of an OAuth error body, else the status and the start of the body. */
export const oauthError = (r: HttpResult): string => {
  const j = isObject(r.json) ? r.json : {};
  const e = str(j.error);
  const d = str(j.error_description);
  return e ? `${e}${d ? `: ${d}` : ''}` : `HTTP ${r.status}${r.text ? `: ${r.text.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`;
};

/** What the walk has learnt so far; each step reads what earlier ones found and adds its own. */
export interface WalkState {
  mcpUrl: string;
  /** ` --data-dir <dir>` for the fixes' command lines, or ''. */
  flag: string;
  issuer?: string;
  adminToken?: string;
  authplaneOk: boolean;
  mcpDown: boolean;
  unauth?: HttpResult;
  challengeUrl?: string;
  challengeScope?: string;
  prmUrl?: string;
  prm?: Json;
  prmResource?: string;
  prmServers?: string[];
  resource?: Resource;
  match?: 'exact' | 'normalized' | 'closest';
  asMeta?: Json;
  token?: string;
  tokenClaims?: Json;
  /** The PRM resource covers the endpoint (else clients refuse it, and so does the doctor: no token goes there). */
  resourceCovers: boolean;
  /** The server accepted a valid token: only then does a refusal of a bad one prove anything. */
  validAccepted: boolean;
  /** The revision the doctor checks against: --protocol (pinned), or the newest the server speaks. */
  protocol: McpProtocol;
  pinned: boolean;
  spoken?: McpProtocol[];
}

export type AdminCall = (path: string, init?: { method?: string; json?: unknown }) => Promise<HttpResult>;

/** The doctor's ways out, passed in so the steps stay free of where fetch and the target come from. */
export interface WalkIO {
  /** Plain fetch, for what is not part of the walk's story (closing a session, cleanup). */
  f: DoctorFetch;
  /** A round trip that is part of the step: the report shows it (masked) as the step's exchange. */
  request: (url: string, init?: DoctorRequest) => Promise<HttpResult>;
  /** Which AuthPlane to check (options, or the server running on the data dir). */
  locate: () => Promise<AuthPlaneTarget>;
  /** The admin API of `state.issuer` with `state.adminToken`. */
  admin: AdminCall;
  /** The opening MCP request of a revision (default: the one checked, `state.protocol`), with a token or without (recorded like `request`). */
  callMcp: (token?: string, protocol?: McpProtocol) => Promise<HttpResult>;
}

export interface DoctorCheck {
  id: DoctorStepId;
  title: string;
  run: (state: WalkState, io: WalkIO) => Promise<Outcome>;
}
