/**
 * Step 13: which MCP revision the server speaks, and each revision's auth rule. Without
 * --protocol any revision will do (the newest spoken is the one checked); with it, that one must be spoken. A 2026-07-28
 * client opens with a stateless `server/discover`; a 2025-11-25 one with `initialize`. Each
 * revision the server answers must refuse its first request without a token (a server that
 * protects only the path its own SDK takes leaves the other one open).
 */
import type { McpProtocol } from '../../contracts/mcpProtocol';
import { MCP_PROTOCOLS } from '../../contracts/mcpProtocol';
import { openingMethod, rpcMessage, type HttpResult } from '../http';
import { fail, isObject, need, pass, Skip, type DoctorCheck } from '../stepKit';

/** Whether the answer is a successful result of that revision's opening request. */
function speaks(protocol: McpProtocol, r: HttpResult): boolean {
  if (r.status < 200 || r.status >= 300) return false;
  const msg = rpcMessage(r);
  if (!isObject(msg) || !isObject(msg.result)) return false;
  if (protocol === '2026-07-28') return Array.isArray(msg.result.supportedVersions) && msg.result.supportedVersions.includes('2026-07-28');
  return typeof msg.result.protocolVersion === 'string';
}

export const protocol: DoctorCheck = {
  id: 'protocol',
  title: 'MCP server speaks the protocol revision, and every revision it speaks requires a token',
  run: async (ctx, { callMcp }) => {
    // A valid token, even if the checked revision's call failed: the answer may be "it speaks the other one".
    need(ctx.token, 'no token was obtained');
    need(!ctx.mcpDown, 'the MCP server is unreachable');
    need(ctx.unauth?.status === 401, 'the server does not refuse a request without a token (see above)');
    const spoken: McpProtocol[] = [];
    for (const p of MCP_PROTOCOLS) if (speaks(p, await callMcp(ctx.token, p))) spoken.push(p);
    ctx.spoken = spoken;
    if (!spoken.length && !ctx.validAccepted) throw new Skip('the server refuses the token in every revision (see above)');
    for (const p of spoken) {
      const r = await callMcp(undefined, p);
      if (r.status !== 401) {
        return fail(
          `your server answered HTTP ${r.status} to a ${p} ${openingMethod(p)} without a token: that revision's path is not protected`,
          'authorize every request before the MCP handler, whatever the revision (SDK v2: createMcpHandler behind the bearer check also serves 2025 clients through its legacy fallback)',
        );
      }
    }
    const list = spoken.map((p) => `${p} (${openingMethod(p)})`).join(' and ');
    if (!ctx.pinned && spoken.length) ctx.protocol = spoken[0]!;
    if (!spoken.includes(ctx.protocol)) {
      const other = spoken[0];
      return fail(
        spoken.length ? `your server speaks ${list}, not ${ctx.protocol}` : `your server answered neither server/discover (2026-07-28) nor initialize (2025-11-25) with a result`,
        other ? `check it as what it is: authserver doctor ${ctx.mcpUrl} --protocol ${other}${ctx.flag}; or serve ${ctx.protocol} (${ctx.protocol === '2026-07-28' ? 'SDK v2: createMcpHandler from @modelcontextprotocol/server' : 'SDK 1.x, or SDK v2 with its stateless legacy fallback'})` : 'serve an MCP streamable HTTP endpoint at this URL',
      );
    }
    return pass(`speaks ${list}; each refuses a request without a token with 401`);
  },
};
