/**
 * POST /admin/api/doctor {mcp_url, protocol?}: the desktop window's "Check my MCP server". Runs
 * the same walk as `authserver doctor [--protocol]` server-side (a browser page could not: CORS,
 * and the walk needs the admin token), against this server.
 */
import type { Routes } from '../http/routes';
import { DoctorRunInput } from '../contracts/doctor';
import { runDoctor, DoctorInputError } from '../doctor';
import { parseOrThrow } from '../domain/parse';
import type { Services } from '../domain/services';
import { InvalidRequest } from '../errors';
import { jsonBody } from './http';
import { noQuery } from './query';

export function doctorRoutes(router: Routes, s: Services, adminToken: string): void {
  router.post('/doctor', noQuery, async (ctx) => {
    const { mcp_url, protocol } = parseOrThrow(DoctorRunInput, await jsonBody(ctx));
    try {
      ctx.body = await runDoctor({ mcpUrl: mcp_url, protocol, issuer: s.deps.config.issuer, adminToken });
    } catch (e) {
      if (e instanceof DoctorInputError) throw new InvalidRequest(e.message);
      throw e;
    }
  });
}
