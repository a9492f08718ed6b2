/**
 * Bounded JSON GET used for AS metadata and the JWKS. Both documents are small; capping the
 * size and time means a misbehaving (or hostile) endpoint cannot stall or balloon the
 * resource server.
 */

/** The subset of `fetch` we call, so tests and users can inject their own. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface FetchedJson {
  json: unknown;
  /** Seconds from `Cache-Control: max-age`, 0 for no-store/no-cache, undefined when absent. */
  maxAge: number | undefined;
}

export interface FetchJsonOptions {
  maxBytes: number;
  timeoutMs: number;
}

/** Throws a plain Error whose message says what went wrong; callers wrap it in their own type. */
export async function fetchJson(fetchImpl: FetchLike, url: string, opts: FetchJsonOptions): Promise<FetchedJson> {
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      // A redirect would let the document come from somewhere we did not configure.
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    throw new Error(`GET ${url} failed: ${describe(err)}`, { cause: err });
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`GET ${url} returned HTTP ${res.status}, expected 200`);
  }
  const text = await readLimited(res, opts.maxBytes, url);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`GET ${url} did not return JSON`);
  }
  return { json, maxAge: parseMaxAge(res.headers.get('cache-control')) };
}

/** `max-age` in seconds; `no-store`/`no-cache` count as 0 (must revalidate every time). */
export function parseMaxAge(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/(?:^|,)\s*no-(?:store|cache)\s*(?:,|$|=)/i.test(header)) return 0;
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(header);
  return m ? Number(m[1]) : undefined;
}

async function readLimited(res: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`GET ${url} is ${declared} bytes, more than the ${maxBytes}-byte limit`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`GET ${url} exceeded the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  // Concatenate by hand rather than Buffer.concat so this also runs on non-Node runtimes.
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

export function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
