/**
 * "Check my MCP server": the desktop window's `authserver doctor`, the same walk (401 challenge →
 * PRM → registration → AS metadata → JWKS → a real token → wrong-audience and expired tokens),
 * run by the server against the MCP endpoint, drawn as the same timeline as a client's flow: each
 * step with the HTTP exchange it made, its fix, and the characters that differ where a step
 * compares two strings byte for byte.
 */
import { useState } from 'react';
import type { DoctorStep } from '../../../server/contracts';
import { MCP_PROTOCOLS, type McpProtocol } from '../../../server/contracts/mcpProtocol';
import { api } from '../api/admin';
import { DiffView } from '../components/diff';
import { IconCheck, IconStethoscope, IconX } from '../components/icons';
import { Timeline, type TimelineStep } from '../components/timeline';
import { Button, ErrorNote } from '../components/ui';
import { useAction } from '../hooks/useAction';
import { diffChars } from '../lib/diff';

const MASKED_NOTE = "The test client's code, verifier and tokens are masked in the report; the doctor revokes its token when the walk ends.";

/** A doctor step on the timeline: its title is the check, so a problem's explanation is what was seen and the fix. */
function timelineStep(s: DoctorStep): TimelineStep {
  const x = s.exchange;
  const problem = s.status === 'fail' || s.status === 'warn';
  return {
    id: s.id,
    tone: s.status,
    title: s.title.replace(/`/g, ''),
    method: x?.request.method,
    target: x?.request.url,
    status: x?.response.status,
    durationMs: s.duration_ms,
    detail: problem ? undefined : s.detail,
    explanation: problem ? { check: '', detail: s.detail, fix: s.fix } : undefined,
    exchange: x,
    curl: s.curl,
    extra: s.compared && <DiffView actualLabel="published" d={{ ...s.compared, parts: diffChars(s.compared.expected, s.compared.actual) }} />,
  };
}

export function DoctorPanel({ mcpUrl }: { mcpUrl: string }) {
  const [url, setUrl] = useState(mcpUrl);
  // '' is auto-detect: the newest revision the server speaks, as `authserver doctor` without --protocol.
  const [protocol, setProtocol] = useState<McpProtocol | ''>('');
  const { result: report, busy, error, run } = useAction(() => api.doctor({ mcp_url: url, ...(protocol ? { protocol } : {}) }));

  const failed = report?.steps.filter((s) => s.status === 'fail').length ?? 0;
  return (
    <section className="card" aria-labelledby="doctor-h">
      <div className="card-head">
        <div>
          <h2 id="doctor-h">Check my MCP server</h2>
          <div className="sub">Walks what an MCP client does: gets a real token with a test client, calls your server with it, then with a wrong-audience and an expired token.</div>
        </div>
        <div className="right">
          <input className="input mono" aria-label="MCP endpoint URL" value={url} onChange={(e) => setUrl(e.target.value)} size={36} />
          <select className="select" aria-label="MCP protocol revision" title="MCP protocol revision" value={protocol} onChange={(e) => setProtocol(e.target.value as McpProtocol | '')}>
            <option value="">Auto-detect</option>
            {MCP_PROTOCOLS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <Button variant="primary" icon={<IconStethoscope />} busy={busy} onClick={run}>
            Run check
          </Button>
        </div>
      </div>
      <div className="card-body stack sm">
        {error && <ErrorNote error={error} retry={run} />}
        {report ? (
          <>
            <div className={`callout ${report.ok ? 'green' : 'red'}`} role="status">
              {report.ok ? <IconCheck /> : <IconX />}
              <span>{report.ok ? 'Every step passed: clients can discover AuthPlane, get a token and use it, and bad tokens are refused.' : `${failed} step${failed === 1 ? '' : 's'} failed: fix the first one, the rest may follow from it.`}</span>
            </div>
            {report.protocol && (
              <p className="muted small">
                Checked as MCP {report.protocol}
                {report.mcp_protocols?.length ? `; the server speaks ${report.mcp_protocols.join(' and ')}` : ''}
              </p>
            )}
            <Timeline label="Doctor steps" steps={report.steps.map(timelineStep)} maskedNote={MASKED_NOTE} />
          </>
        ) : (
          <p className="muted">The same walk as <span className="mono">authserver doctor {mcpUrl}{protocol && ` --protocol ${protocol}`}</span>. Your MCP server must be running.</p>
        )}
      </div>
    </section>
  );
}
