/**
 * Answers from below Koa, as OAuth errors too. Node's HTTP parser rejects some requests before
 * any middleware runs (malformed syntax, headers over `maxHeaderSize`, a client too slow to send
 * its headers or body within `headersTimeout` / `requestTimeout`, an `Expect` it cannot meet);
 * by default it answers those with a bare status line. Here they get the same
 * `{"error","error_description"}` JSON body as every other error, and the socket is closed.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

const REASONS: Record<number, [string, string]> = {
  400: ['Bad Request', 'the request is not valid HTTP/1.1'],
  408: ['Request Timeout', 'the request was not received in time; the connection is closed'],
  413: ['Payload Too Large', 'the request is too large'],
  414: ['URI Too Long', 'the request URL is too long'],
  417: ['Expectation Failed', 'the Expect header cannot be met (only "100-continue" is supported)'],
  431: ['Request Header Fields Too Large', 'the request headers are larger than 16 KB'],
};

function statusOf(err: NodeJS.ErrnoException): number {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}

export function errorResponseBytes(status: number): string {
  const [title, description] = REASONS[status] ?? REASONS[400]!;
  const body = JSON.stringify({ error: 'invalid_request', error_description: description, status, title });
  return `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`;
}

/** Installs the handlers on the server (call once, before listen). */
export function installClientErrorHandlers(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const pending = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    // Only when nothing was sent on this socket yet; otherwise just drop the connection.
    if (socket.writable && !pending?.headersSent) {
      socket.end(errorResponseBytes(statusOf(err)));
      // A client that stops reading must not keep the socket open.
      setTimeout(() => socket.destroy(), 1000).unref();
    } else {
      socket.destroy();
    }
  });
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const [title, description] = REASONS[417]!;
    const body = JSON.stringify({ error: 'invalid_request', error_description: description, status: 417, title });
    res.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', connection: 'close' });
    res.end(body);
  });
}
