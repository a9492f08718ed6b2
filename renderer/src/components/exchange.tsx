/**
 * One HTTP exchange opened up: request and response with their headers and bodies (as recorded:
 * masked unless the flow was revealed, capped), and the request as a `curl` command to replay it.
 */
import type { FlowBody, FlowExchange, FlowHeader } from '../../../server/contracts';
import { CopyButton, Json } from './ui';

/** JSON pretty-printed and coloured, a form one parameter a line, anything else as sent. */
function BodyView({ body, label }: { body: FlowBody | null; label: string }) {
  if (!body || !body.text) return <p className="faint small">No body</p>;
  let content = <>{body.text}</>;
  if (/json/i.test(body.mime_type)) {
    try {
      content = <Json value={JSON.parse(body.text)} />;
    } catch {
      /* a truncated or broken JSON body is shown as sent */
    }
  } else if (/x-www-form-urlencoded/i.test(body.mime_type)) {
    content = (
      <>
        {[...new URLSearchParams(body.text)].map(([k, v], i) => (
          <span key={i} className="form-line">
            <span className="j-key">{k}</span>
            <span className="j-punct">=</span>
            <span className="j-str">{v}</span>
            {'\n'}
          </span>
        ))}
      </>
    );
  }
  return (
    <>
      <pre className="code wrap ex-body" aria-label={label} tabIndex={0}>
        {content}
      </pre>
      {body.truncated && (
        <p className="faint small">
          Only the first {body.text.length.toLocaleString()} of {body.size.toLocaleString()} bytes were kept.
        </p>
      )}
    </>
  );
}

function Headers({ headers, label }: { headers: FlowHeader[]; label: string }) {
  if (headers.length === 0) return <p className="faint small">No headers</p>;
  return (
    <dl className="ex-headers" aria-label={label}>
      {headers.map((h, i) => (
        <div key={i}>
          <dt>{h.name}</dt>
          <dd>{h.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** `curl`: the request as a command, as the server wrote it; `maskedNote`: why its secrets read ••••, when they do. */
export function ExchangeView({ exchange, curl, maskedNote }: { exchange: FlowExchange; curl?: string; maskedNote?: string }) {
  const { request: req, response: res } = exchange;
  return (
    <div className="exchange">
      <section className="ex-part" aria-label="Request">
        <h4>Request</h4>
        <div className="ex-line mono">
          <strong>{req.method}</strong> {req.url}
        </div>
        <Headers headers={req.headers} label="Request headers" />
        <BodyView body={req.body} label="Request body" />
      </section>
      <section className="ex-part" aria-label="Response">
        <h4>Response</h4>
        <div className="ex-line mono">
          <strong>{res.status}</strong>
        </div>
        <Headers headers={res.headers} label="Response headers" />
        <BodyView body={res.body} label="Response body" />
      </section>
      {curl && (
        <section className="ex-part ex-curl" aria-label="Replay with curl">
          <div className="ex-curl-head">
            <h4>Replay with curl</h4>
            <CopyButton text={curl} label="Copy as curl" showText />
          </div>
          <pre className="code wrap" aria-label="curl command" tabIndex={0}>
            {curl}
          </pre>
          {maskedNote && <p className="faint small">{maskedNote}</p>}
        </section>
      )}
    </div>
  );
}
