/**
 * POST /admin/api/doctor {mcp_url}: the desktop window's "Check my MCP server". Runs the same
 * walk as `authserver doctor` server-side (a browser page could not: CORS, and the walk needs
 * the admin token), against this server. Its requests are recorded as a `doctor` flow.
 */
import type Router from '@koa/router';
import { z } from 'zod';
import { runDoctor, DoctorInputError } from '../doctor';
import { recordedDoctor } from '../flows/doctorWalk';
import { parseOrThrow } from '../domain/parse';
import type { Services } from '../domain/services';
import { InvalidRequest } from '../errors';
import { jsonBody } from './http';
import { noQuery } from './query';

const DoctorInput = z.object({ mcp_url: z.string().min(1, 'mcp_url is required').max(2048) });

export function doctorRoutes(router: Router, s: Services, adminToken: string): void {
  router.post('/doctor', noQuery, async (ctx) => {
    const { mcp_url } = parseOrThrow(DoctorInput, await jsonBody(ctx));
    try {
      const opts = { mcpUrl: mcp_url, issuer: s.deps.config.issuer, adminToken };
      // The walk is also a flow of the timeline (kind `doctor`), unless recording is off.
      ctx.body = s.deps.config.recordFlows ? (await recordedDoctor(s.flows, s.deps.clock, s.deps.config.issuer, opts)).report : await runDoctor(opts);
    } catch (e) {
      if (e instanceof DoctorInputError) throw new InvalidRequest(e.message);
      throw e;
    }
  });
}
