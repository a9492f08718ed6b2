/**
 * The doctor's walk (the window's "Check my MCP server") as a flow of kind `doctor`: every request
 * it made, to the MCP server (the 401, the Protected Resource Metadata, the calls with test
 * tokens) and to AuthPlane, in the same timeline form as a client's flow. The verdict is the
 * doctor's; the first failed check's finding explains the last exchange made by the end of it
 * (a check that only compares what an earlier request fetched points at that request).
 */
import type { Clock } from '../clock';
import type { DoctorReport, DoctorStep } from '../contracts/doctor';
import type { FlowEndpoint } from '../contracts/flows';
import { DOCTOR_CLIENT_ID, runDoctor, type DoctorOptions } from '../doctor';
import { flowEndpointOf } from '../http/flowRecorder';
import type { FlowLog } from './flowLog';
import { recordingFetch } from './recordingFetch';

function endpointFor(issuer: string): (url: string) => FlowEndpoint {
  return (url) => {
    if (!url.startsWith(`${issuer}/`)) return 'mcp';
    return flowEndpointOf('GET', new URL(url).pathname) ?? 'other';
  };
}

export async function recordedDoctor(flows: FlowLog, clock: Clock, issuer: string, opts: DoctorOptions): Promise<{ report: DoctorReport; flowId: string }> {
  const rec = recordingFetch(opts.fetch ?? ((input, init) => fetch(input, init)), clock, endpointFor(issuer));
  const checks: Array<{ step: DoctorStep; sent: number }> = [];
  const report = await runDoctor({
    ...opts,
    fetch: rec.fetch,
    onStep: (step) => {
      checks.push({ step, sent: rec.sent });
      opts.onStep?.(step);
    },
  });
  const steps = await rec.steps();
  const failed = checks.find((c) => c.step.status === 'fail');
  const blamed = failed ? steps[Math.max(0, failed.sent - 1)] : undefined;
  if (failed && blamed) blamed.explanation = { check: failed.step.title, detail: failed.step.detail, ...(failed.step.fix ? { fix: failed.step.fix } : {}) };
  const flowId = flows.recordWalk({
    steps,
    resource: report.resource?.uri ?? null,
    clientId: DOCTOR_CLIENT_ID,
    verdict: { outcome: report.ok ? 'succeeded' : 'failed', failed_step_id: report.ok ? null : (blamed?.id ?? null) },
  });
  return { report, flowId };
}
