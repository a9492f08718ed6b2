/** The doctor's report as text: one line per step (✓ ✗ ! -), the problem and the fix indented under it. */
import type { DoctorReport, DoctorStep, DoctorStepStatus } from '../contracts/doctor';

export const MARKS: Readonly<Record<DoctorStepStatus, string>> = { pass: '✓', fail: '✗', warn: '!', skip: '-' };

export function formatStep(s: DoctorStep): string {
  if (s.status === 'skip') return `${MARKS.skip} ${s.title} (skipped: ${s.detail})`;
  const lines = [`${MARKS[s.status]} ${s.title}`, `    ${s.detail}`];
  if (s.fix) lines.push(`    fix: ${s.fix}`);
  return lines.join('\n');
}

export function formatHeader(mcpUrl: string, issuer?: string | null): string {
  return `Checking ${mcpUrl}${issuer ? ` against AuthPlane ${issuer}` : ''}`;
}

export function formatSummary(r: DoctorReport): string {
  const { pass, fail, warn, skip } = r.summary;
  const counts = [`${pass} passed`, `${fail} failed`, ...(warn ? [`${warn} warning${warn > 1 ? 's' : ''}`] : []), ...(skip ? [`${skip} skipped`] : [])].join(', ');
  const verdict = r.ok
    ? warn
      ? 'MCP clients can connect; see the warnings above.'
      : 'MCP clients can discover AuthPlane, obtain a token and use it; bad tokens are refused.'
    : 'Fix the first ✗ above first: later steps often follow from it.';
  return `${counts}. ${verdict}`;
}

export function formatReport(r: DoctorReport): string {
  return [formatHeader(r.mcp_url, r.issuer), '', ...r.steps.map(formatStep), '', formatSummary(r)].join('\n');
}
