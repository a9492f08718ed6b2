/**
 * A FetchLike (for boundedFetch) that connects to an address the caller already resolved and
 * checked, whatever the URL's host name resolves to a moment later: with a second lookup a
 * rebinding DNS server answers a public address to the check and 127.0.0.1 to the connection.
 * TLS still verifies the certificate against the URL's host name. Node only (node:http).
 */
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import type { FetchLike } from './boundedFetch';

const NULL_BODY = new Set([204, 205, 304]);

export function pinnedFetch(address: string): FetchLike {
  const family = isIP(address);
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input);
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(
        url,
        {
          method: init.method ?? 'GET',
          headers: init.headers as Record<string, string> | undefined,
          signal: init.signal ?? undefined,
          // A fresh connection per request: a pooled socket could be one opened for another address.
          agent: false,
          lookup,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 599) {
            res.destroy();
            reject(new Error(`unexpected HTTP status ${status}`));
            return;
          }
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
          }
          const body = NULL_BODY.has(status) || init.method === 'HEAD' ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
          if (!body) res.resume();
          resolve(new Response(body, { status, statusText: res.statusMessage, headers }));
        },
      );
      req.on('error', reject);
      req.end(init.body as string | undefined);
    });
}
