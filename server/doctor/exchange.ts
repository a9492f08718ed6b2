/**
 * The doctor's record of one HTTP round trip, in the flow timeline's shape (FlowExchange) so the
 * window draws a doctor walk with the same timeline as a client's flow, and the same `curl`
 * command per step. What the doctor sends and receives carries live credentials (the test
 * client's code, verifier and tokens, the test tokens): they are masked here, by the flow
 * timeline's own masker, before the report leaves the walk: a report is printed (`--json`) and
 * shown, never revealed.
 */
import { FLOW_LIMITS, type FlowBody, type FlowExchange } from '../contracts/flows';
import { curlCommand } from '../flows/curl';
import { maskExchange } from '../flows/mask';

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ReceivedResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** A round trip as the report shows it: masked, bodies capped like a flow's. */
export interface RecordedExchange {
  exchange: FlowExchange;
  /** The request as a shell command (masked too: it shows what was sent). */
  curl: string;
}

function body(text: string | undefined, mime: string): FlowBody | null {
  if (!text) return null;
  const bytes = new TextEncoder().encode(text);
  const truncated = bytes.length > FLOW_LIMITS.bodyBytes;
  return { mime_type: mime, text: truncated ? new TextDecoder().decode(bytes.subarray(0, FLOW_LIMITS.bodyBytes)) : text, size: bytes.length, truncated };
}

export function recordExchange(req: SentRequest, res: ReceivedResponse): RecordedExchange {
  const reqHeaders = Object.entries(req.headers).map(([name, value]) => ({ name, value }));
  const reqMime = reqHeaders.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
  const raw: FlowExchange = {
    request: { method: req.method, url: req.url, headers: reqHeaders, body: body(req.body, reqMime) },
    response: { status: res.status, headers: [...res.headers.entries()].map(([name, value]) => ({ name, value })), body: body(res.text, res.headers.get('content-type') ?? '') },
  };
  const exchange = maskExchange(raw);
  return { exchange, curl: curlCommand(exchange, '') };
}
