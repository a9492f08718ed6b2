/**
 * "Check my MCP server": the desktop window's `authserver doctor`, the same walk (401 challenge →
 * PRM → registration → AS metadata → JWKS → a real token → wrong-audience and expired tokens),
 * run by the server against the MCP endpoint, each step with its fix, and the characters that
 * differ where a step compares two strings byte for byte.
 */
import { useState, type ReactElement } from 'react';
import type { DoctorStep } from '../../../server/contracts';
import { api } from '../api/admin';
import { DiffView } from '../components/diff';
import { IconAlert, IconCheck, IconInfo, IconStethoscope, IconX } from '../components/icons';
import { Button, ErrorNote } from '../components/ui';
import { useAction } from '../hooks/useAction';
import { diffChars } from '../lib/diff';

const ICONS: Record<DoctorStep['status'], ReactElement> = { pass: <IconCheck />, fail: <IconX />, warn: <IconAlert />, skip: <IconInfo /> };

export function DoctorPanel({ mcpUrl }: { mcpUrl: string }) {
  const [url, setUrl] = useState(mcpUrl);
  const { result: report, busy, error, run } = useAction(() => api.doctor(url));

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
            <ul className="checks card" aria-label="Doctor steps">
              {report.steps.map((s) => (
                <li key={s.id} className={s.status} data-step={s.id}>
                  <span className="ci">{ICONS[s.status]}</span>
                  <div>
                    <div className="ct">{s.title.replace(/`/g, '')}</div>
                    <div className="cd">{s.detail}</div>
                    {s.compared && <DiffView actualLabel="published" d={{ ...s.compared, parts: diffChars(s.compared.expected, s.compared.actual) }} />}
                    {s.fix && s.status !== 'pass' && <div className="cd"><strong>Fix:</strong> {s.fix}</div>}
                  </div>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="muted">The same walk as <span className="mono">authserver doctor {mcpUrl}</span>. Your MCP server must be running.</p>
        )}
      </div>
    </section>
  );
}
