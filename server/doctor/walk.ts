/**
 * The doctor's walk: what an MCP client does against an MCP server protected by AuthPlane, one
 * step at a time, each ending ✓ / ✗ / ! / - with what was seen and, on a problem, the exact
 * fix. Steps whose input an earlier failure took away are skipped, not failed, so the first ✗
 * is the one to fix.
 *
 * Framework-free: fetch (injectable) and the AuthPlane admin API. The CLI prints the report;
 * the desktop window shows the same steps. The steps themselves live in steps/, in this order.
 */
import { VERSION } from '../version';
import type { DoctorReport, DoctorStep } from '../contracts/doctor';
import { DEFAULT_MCP_PROTOCOL, type McpProtocol } from '../contracts/mcpProtocol';
import { discoverRequest, initializeBody, MCP_ACCEPT, NetworkError, request, type DoctorFetch, type ExchangeSink } from './http';
import type { RecordedExchange } from './exchange';
import { locateAuthPlane, quote } from './locate';
import { authplane, challenge, unauthenticated } from './steps/endpoint';
import { authorizationServers, prm, prmResourceUrl, resourceRegistered, scopes } from './steps/resourceMetadata';
import { asMetadata, jwks } from './steps/authServer';
import { protocol } from './steps/protocol';
import { callWithToken, expired, token, wrongAudience } from './steps/tokens';
import { gatewayExchange, gatewayLinks } from './steps/gateway';
import { Skip, type DoctorCheck, type WalkIO, type WalkState } from './stepKit';
import { revokeDoctorToken } from './testClient';
import { assertMcpUrl } from './urls';

export { assertMcpUrl, DoctorInputError } from './urls';
export { DOCTOR_CLIENT_ID, DOCTOR_REDIRECT_URI } from './testClient';

export interface DoctorOptions {
  /** The MCP endpoint clients connect to, e.g. http://127.0.0.1:3001/mcp. */
  mcpUrl: string;
  /** AuthPlane's issuer (with `adminToken`, no data dir is needed: the desktop window's case). */
  issuer?: string;
  /** Data dir of the running `authserver serve`: its runtime file and admin token are read. */
  dataDir?: string;
  adminToken?: string;
  /** The MCP revision the server must speak; default: whichever it speaks, newest first. The report says which ones it speaks. */
  protocol?: McpProtocol;
  fetch?: DoctorFetch;
  /** Called as each step finishes (the CLI prints them live). */
  onStep?: (step: DoctorStep) => void;
}

/** In the order a client meets them: each step may rely on what the ones before it found. */
const WALK: readonly DoctorCheck[] = [
  authplane,
  unauthenticated,
  challenge,
  prm,
  prmResourceUrl,
  resourceRegistered,
  authorizationServers,
  scopes,
  asMetadata,
  jwks,
  token,
  callWithToken,
  protocol,
  wrongAudience,
  expired,
];

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  assertMcpUrl(opts.mcpUrl);
  const started = Date.now();
  const f: DoctorFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const ctx: WalkState = { mcpUrl: opts.mcpUrl, flag: opts.dataDir ? ` --data-dir ${quote(opts.dataDir)}` : '', authplaneOk: false, mcpDown: false, resourceCovers: false, validAccepted: false, protocol: opts.protocol ?? DEFAULT_MCP_PROTOCOL, pinned: opts.protocol !== undefined };
  const steps: DoctorStep[] = [];
  const ioFor = (sink: ExchangeSink) => walkIO(f, ctx, opts, sink);
  const record = async (check: DoctorCheck) => {
    const done = await runStep(check, ctx, ioFor);
    steps.push(done);
    opts.onStep?.(done);
  };
  for (const check of WALK) await record(check);
  // A gateway (it fronts hidden resources) gets one more step; other reports stay as they were.
  if (await gatewayLinks(ctx, ioFor(() => undefined)).catch(() => undefined)) await record(gatewayExchange);
  await revokeDoctorToken(f, ctx);

  const summary = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const s of steps) summary[s.status]++;
  return {
    ok: summary.fail === 0,
    mcp_url: opts.mcpUrl,
    issuer: ctx.issuer ?? null,
    protocol: ctx.protocol,
    mcp_protocols: ctx.spoken ?? null,
    prm_url: ctx.prmUrl ?? null,
    resource: ctx.resource ? { slug: ctx.resource.slug, uri: ctx.resource.uri } : null,
    steps,
    summary,
    started_at: new Date(started).toISOString(),
    duration_ms: Date.now() - started,
  };
}

/**
 * One step, timed; a Skip or an error becomes the step's outcome instead of ending the walk. The
 * step's exchange is the last round trip it recorded: the one its outcome is about (the token
 * request after the authorization redirect, the PRM URL that answered after one that did not).
 */
async function runStep({ id, title, run }: DoctorCheck, ctx: WalkState, ioFor: (sink: ExchangeSink) => WalkIO): Promise<DoctorStep> {
  const t0 = Date.now();
  let recorded: RecordedExchange | undefined;
  const io = ioFor((e) => (recorded = e));
  let s: Omit<DoctorStep, 'duration_ms'>;
  try {
    const o = await run(ctx, io);
    s = { id, title, status: o.status, detail: o.detail, ...(o.fix ? { fix: o.fix } : {}), ...(o.compared ? { compared: o.compared } : {}) };
  } catch (err) {
    if (err instanceof Skip) s = { id, title, status: 'skip', detail: err.reason };
    else if (err instanceof NetworkError) s = { id, title, status: 'fail', detail: err.message, fix: 'check that the server is running and reachable from this machine' };
    else s = { id, title, status: 'fail', detail: `the doctor could not complete this step: ${(err as Error)?.message ?? String(err)}` };
  }
  return { ...s, duration_ms: Date.now() - t0, ...(recorded ? { exchange: recorded.exchange, curl: recorded.curl } : {}) };
}

/** The walk's ways out for one step; `sink` collects the round trips that step makes. */
function walkIO(f: DoctorFetch, ctx: WalkState, opts: DoctorOptions, sink: ExchangeSink): WalkIO {
  return {
    f,
    request: (url, init) => request(f, url, init, sink),
    locate: () => locateAuthPlane(opts),
    // The issuer and admin token are read at call time: the first step finds them.
    admin: (path, init = {}) =>
      request(f, `${ctx.issuer}/admin/api${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${ctx.adminToken}`, accept: 'application/json', ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
      }),
    callMcp: (token, protocol = ctx.protocol) => {
      const opening = protocol === '2026-07-28' ? discoverRequest(VERSION) : { headers: {}, body: initializeBody(VERSION) };
      return request(
        f,
        ctx.mcpUrl,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: MCP_ACCEPT, ...opening.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: opening.body,
        },
        sink,
      );
    },
  };
}
