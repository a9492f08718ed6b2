/** One line saying what a fault does (zod-free and browser-safe: the CLI, the audit summary and the window). */
import type { Fault } from './faults';

export function faultAnswer(f: Fault): string {
  if (f.error !== undefined) return `error ${f.error}${f.error_description ? ` (${f.error_description})` : ''}`;
  return f.status !== undefined ? `HTTP ${f.status}` : `delay ${f.delay_ms} ms`;
}

export function describeFault(f: Fault): string {
  const where = [f.endpoint, f.grant_type && `grant ${f.grant_type}`, f.client_id && `client ${f.client_id}`].filter(Boolean).join(', ');
  const left = [f.remaining !== null && `${f.remaining} left`, f.expires_at && `until ${f.expires_at}`].filter(Boolean).join(', ');
  return `${where}: ${faultAnswer(f)}; ${left}`;
}
