/**
 * Bounded JSON GET used for AS metadata and the JWKS. Both documents are small; capping the
 * size and time means a misbehaving (or hostile) endpoint cannot stall or balloon the
 * resource server.
 */

import { BoundedFetchError, boundedFetch, describeError, type BoundedResponse, type FetchLike } from '../net/boundedFetch';

/** The subset of `fetch` we call, so tests and users can inject their own. */
export type { FetchLike };

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
  let res: BoundedResponse;
  try {
    // Redirects come back as 3xx (never followed): the document must come from where we were told.
    res = await boundedFetch(url, { fetch: fetchImpl, maxBytes: opts.maxBytes, timeoutMs: opts.timeoutMs });
  } catch (err) {
    if (err instanceof BoundedFetchError) throw new Error(`GET ${url} ${err.detail}`, { cause: err.cause ?? err });
    throw new Error(`GET ${url} failed: ${describe(err)}`, { cause: err });
  }
  if (res.status !== 200) throw new Error(`GET ${url} returned HTTP ${res.status}, expected 200`);
  let json: unknown;
  try {
    json = JSON.parse(res.text);
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

export const describe = describeError;
