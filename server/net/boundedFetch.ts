/**
 * The one way this project fetches a document from a server it does not control (CIMD client
 * metadata, the SDK's AS metadata and JWKS, the doctor, the UI's PRM check). Web-standard only
 * (fetch, AbortController, streams) because the SDK runs on Workers, Deno and Bun too.
 *
 * Why not `res.arrayBuffer()` + `AbortSignal.timeout()`: the body would be buffered whole before
 * any size check (a 300 MB document, or a 1 MB gzip that inflates to 1 GB, lands in memory), and a
 * server that sends headers then dribbles its body is not bounded by a signal some runtimes only
 * apply to the headers. Here the deadline covers headers and body, the body is read with a running
 * cap, compression is declined (`accept-encoding: identity`) and redirects are never followed.
 */

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type FetchFailure = 'network' | 'timeout' | 'too_large' | 'redirect' | 'encoded';

/**
 * A fetch that did not produce a usable response; `kind` says which limit or failure, `detail`
 * says it in words that follow the URL ("https://x/doc is larger than the 64 KB limit").
 */
export class BoundedFetchError extends Error {
  constructor(
    readonly kind: FetchFailure,
    readonly url: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${url} ${detail}`, options);
    this.name = 'BoundedFetchError';
  }
}

export interface BoundedFetchOptions {
  /** Byte cap on the body as received (after any decoding the fetch implementation does). */
  maxBytes: number;
  /** One deadline for connecting, the headers and the whole body. */
  timeoutMs: number;
  fetch?: FetchLike;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** 'manual' (default) hands a 3xx back to the caller; 'error' refuses it. Never followed. */
  redirect?: 'manual' | 'error';
  /**
   * 'error' (default): an oversized or broken-off body fails the fetch. 'truncate': keep what
   * arrived up to the cap and mark it `truncated` (diagnostics that report whatever they got).
   */
  overflow?: 'error' | 'truncate';
  /** Refuse a body sent with a Content-Encoding other than identity (callers that cannot decode). */
  identityOnly?: boolean;
  /** Skip the body (cancelled unread): only status and headers matter. */
  discardBody?: boolean;
  /** The caller's own cancellation (a client closing, a long poll no longer wanted): rejects with its reason. */
  signal?: AbortSignal;
}

export interface BoundedResponse {
  url: string;
  status: number;
  headers: Headers;
  bytes: Uint8Array<ArrayBuffer>;
  text: string;
  /** The body was cut at the cap or broke off ('truncate' mode only). */
  truncated: boolean;
}

const kb = (n: number): string => (n % 1024 === 0 ? `${n / 1024} KB` : `${n} bytes`);

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

export async function boundedFetch(url: string, opts: BoundedFetchOptions): Promise<BoundedResponse> {
  const fetchImpl = opts.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  const controller = new AbortController();
  let timedOut = false;
  let onTimeout: () => void = () => undefined;
  const deadline = new Promise<never>((_, reject) => {
    onTimeout = () => reject(new BoundedFetchError('timeout', url, `did not answer in full within ${opts.timeoutMs / 1000} s`));
  });
  deadline.catch(() => undefined);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
    onTimeout();
  }, opts.timeoutMs);
  const onAbort = () => controller.abort(opts.signal!.reason);
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let res: Response;
    try {
      res = await Promise.race([
        fetchImpl(url, {
          method: opts.method ?? 'GET',
          headers: { accept: 'application/json', ...opts.headers, 'accept-encoding': 'identity' },
          body: opts.body,
          redirect: 'manual',
          signal: controller.signal,
        }),
        deadline,
      ]);
    } catch (err) {
      if (err instanceof BoundedFetchError) throw err;
      if (timedOut) return await deadline;
      if (opts.signal?.aborted) throw opts.signal.reason;
      throw new BoundedFetchError('network', url, `could not be fetched: ${describeError(err)}`, { cause: err });
    }
    const base = { url, status: res.status, headers: res.headers };
    if (res.status >= 300 && res.status < 400 && opts.redirect === 'error') {
      await cancel(res);
      throw new BoundedFetchError('redirect', url, `redirects (HTTP ${res.status}${res.headers.get('location') ? ` to ${res.headers.get('location')}` : ''}); redirects are not followed`);
    }
    const encoding = (res.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
    if (opts.identityOnly && encoding !== 'identity') {
      await cancel(res);
      throw new BoundedFetchError('encoded', url, `was sent ${encoding}-encoded although identity was requested; compressed documents are refused`);
    }
    if (opts.discardBody) {
      await cancel(res);
      return { ...base, bytes: new Uint8Array(0), text: '', truncated: false };
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > opts.maxBytes && opts.overflow !== 'truncate') {
      await cancel(res);
      throw new BoundedFetchError('too_large', url, `is ${declared} bytes, more than the ${kb(opts.maxBytes)} limit`);
    }
    const { bytes, truncated } = await readCapped(res, url, opts, deadline, () => timedOut);
    return { ...base, bytes, text: new TextDecoder().decode(bytes), truncated };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** A request body as text: what a library hands to fetch (JSON as a string, a form as URLSearchParams). */
function bodyText(body: RequestInit['body']): { text?: string; type?: string } {
  if (body === undefined || body === null) return {};
  if (typeof body === 'string') return { text: body };
  if (body instanceof URLSearchParams) return { text: body.toString(), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  throw new TypeError('boundedFetch sends string and URLSearchParams bodies only');
}

/** Statuses whose Response must have no body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The same bounds as a `fetch` for a library that takes one (the MCP SDK client): the whole
 * answer is read within the deadline and cap, then handed back as a Response. Like fetch, it
 * accepts anything when the caller names no Accept; unlike fetch, it never follows a redirect.
 */
export function boundedFetchAsFetch(limits: Pick<BoundedFetchOptions, 'maxBytes' | 'timeoutMs' | 'fetch'>): (input: string | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init = {}) => {
    const headers = new Headers(init.headers);
    const body = bodyText(init.body);
    if (body.type && !headers.has('content-type')) headers.set('content-type', body.type);
    if (!headers.has('accept')) headers.set('accept', '*/*');
    const res = await boundedFetch(String(input), { ...limits, method: init.method, headers: Object.fromEntries(headers), body: body.text, signal: init.signal ?? undefined });
    return new Response(NULL_BODY.has(res.status) ? null : res.bytes, { status: res.status, headers: res.headers });
  };
}

async function cancel(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

async function readCapped(res: Response, url: string, opts: BoundedFetchOptions, deadline: Promise<never>, timedOut: () => boolean): Promise<{ bytes: Uint8Array<ArrayBuffer>; truncated: boolean }> {
  if (!res.body) return { bytes: new Uint8Array(0), truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      if (total + value.byteLength > opts.maxBytes) {
        if (opts.overflow !== 'truncate') throw new BoundedFetchError('too_large', url, `is larger than the ${kb(opts.maxBytes)} limit`);
        chunks.push(value.subarray(0, opts.maxBytes - total));
        total = opts.maxBytes;
        truncated = true;
        break;
      }
      chunks.push(value);
      total += value.byteLength;
    }
  } catch (err) {
    const failure = err instanceof BoundedFetchError ? err : timedOut() ? await deadline.catch((e: unknown) => e) : opts.signal?.aborted ? opts.signal.reason : new BoundedFetchError('network', url, `broke off: ${describeError(err)}`, { cause: err });
    if (opts.overflow !== 'truncate') throw failure;
    truncated = true;
  } finally {
    // Stops the transfer (and any decompression) the moment we stop reading.
    void reader.cancel().catch(() => undefined);
  }
  return { bytes: concat(chunks, total), truncated };
}

// By hand rather than Buffer.concat so this also runs on non-Node runtimes.
function concat(chunks: Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}
