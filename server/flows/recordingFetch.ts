/**
 * A fetch that records what it sends and receives as flow steps: the doctor's walk (the window's
 * "Check my MCP server") against the MCP server, its metadata and AuthPlane, shown in the same
 * timeline form as a client's flow. The caller's response is untouched: the step reads a clone of
 * the body, at most FLOW_LIMITS.bodyBytes of it, and lets the rest go.
 */
import { iso, type Clock } from '../clock';
import { FLOW_LIMITS, type FlowEndpoint, type FlowHeader, type FlowStep } from '../contracts/flows';
import { randomId } from '../domain/crypto';
import type { FetchLike } from '../net/boundedFetch';
import { capBody } from './body';

function headersOf(h: HeadersInit | undefined): FlowHeader[] {
  return [...new Headers(h)].map(([name, value]) => ({ name, value }));
}

/** The first `cap` bytes of a body; the branch is cancelled there so nothing more is buffered for it. */
async function headOf(res: Response, cap: number): Promise<{ text: string; size: number; complete: boolean }> {
  if (!res.body) return { text: '', size: 0, complete: true };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size <= cap) {
      const { value, done } = await reader.read();
      if (done) return { text: Buffer.concat(chunks).toString('utf8'), size, complete: true };
      chunks.push(value);
      size += value.byteLength;
    }
    await reader.cancel().catch(() => undefined);
    return { text: Buffer.concat(chunks).subarray(0, cap).toString('utf8'), size, complete: false };
  } catch {
    return { text: Buffer.concat(chunks).toString('utf8'), size, complete: false };
  }
}

export interface RecordingFetch {
  fetch: FetchLike;
  /** Requests sent so far (a step's position is known as soon as it is sent). */
  readonly sent: number;
  /** Every exchange, in the order sent, once their bodies are read. */
  steps(): Promise<FlowStep[]>;
}

export function recordingFetch(inner: FetchLike, clock: Clock, endpointOf: (url: string) => FlowEndpoint): RecordingFetch {
  const pending: Array<Promise<FlowStep>> = [];
  const fetchFn: FetchLike = (input, init = {}) => {
    const at = clock.now();
    const start = performance.now();
    const method = (init.method ?? 'GET').toUpperCase();
    const reqBody = typeof init.body === 'string' ? init.body : undefined;
    const reqHeaders = headersOf(init.headers);
    const base = { id: randomId(), at: iso(at), endpoint: endpointOf(input), method, url: input };
    const request = { method, url: input, headers: reqHeaders, body: reqBody === undefined ? null : capBody(reqBody, new Headers(init.headers).get('content-type') ?? 'text/plain') };
    const answer = inner(input, init);
    pending.push(
      answer.then(
        async (res) => {
          const duration_ms = Math.round((performance.now() - start) * 100) / 100;
          const head = await headOf(res.clone(), FLOW_LIMITS.bodyBytes);
          const mime = res.headers.get('content-type') ?? 'text/plain';
          return {
            ...base,
            status: res.status,
            duration_ms,
            ok: res.status < 400,
            exchange: { request, response: { status: res.status, headers: headersOf(res.headers), body: head.size === 0 && head.complete ? null : { mime_type: mime, text: head.text, size: head.size, truncated: !head.complete } } },
          };
        },
        (err: unknown) => ({
          ...base,
          status: 0,
          duration_ms: Math.round((performance.now() - start) * 100) / 100,
          ok: false,
          error: 'network_error',
          error_description: (err as Error)?.message ?? String(err),
          exchange: { request, response: { status: 0, headers: [], body: null } },
        }),
      ),
    );
    return answer;
  };
  return {
    fetch: fetchFn,
    get sent() {
      return pending.length;
    },
    steps: () => Promise.all(pending),
  };
}
