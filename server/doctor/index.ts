/**
 * `authserver doctor` and the desktop window's "Check my MCP server": walk what an MCP client
 * does against an MCP server protected by AuthPlane and say, step by step, what is wrong and
 * how to fix it.
 *
 * @example
 * ```ts
 * const report = await runDoctor({ mcpUrl: 'http://127.0.0.1:3001/mcp', dataDir: './.authplane' });
 * console.log(formatReport(report)); // ✓ / ✗ lines with fixes
 * process.exitCode = report.ok ? 0 : 1;
 * ```
 */
export { runDoctor, assertMcpUrl, DoctorInputError, DOCTOR_CLIENT_ID, DOCTOR_REDIRECT_URI } from './walk';
export type { DoctorOptions } from './walk';
export { formatReport, formatStep, formatHeader, formatSummary, MARKS } from './format';
export { parseBearerChallenge } from './http';
export type { DoctorFetch, BearerChallenge } from './http';
export type { DoctorReport, DoctorStep, DoctorStepId, DoctorStepStatus } from '../contracts/doctor';
