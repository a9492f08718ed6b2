/**
 * Answers the client can read when its body is refused. A request answered before its body has
 * arrived (413 on a declared or streamed body over the limit, 401, 404, 415 before reading) used
 * to end with Node closing the socket as soon as the answer was written: the client, still
 * writing, got a reset instead of the answer (RFC 9112 §9.6 describes the lost response). Here,
 * for the whole server (every response is this ServerResponse class, given to node:http):
 * such an answer says `Connection: close`, is sent whole, and the socket half-closes, reads and
 * discards what the client still sends (up to `DRAIN_LIMITS`), and only then closes.
 */
import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/** How much of an unread body is drained, and for how long, before the socket is destroyed. */
export const DRAIN_LIMITS = { bytes: 4 * 1024 * 1024, ms: 2000 };

/** A body was announced (length or chunked) and has not all arrived. */
function bodyPending(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const h = req.headers;
  return h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0');
}

/**
 * Called as the answer's head is written: from then on the body is read and discarded (counted,
 * so Node does not dump it uncounted). Once the answer is written the socket half-closes (the
 * client sees the whole answer) and closes when the body has ended, after `bytes` more bytes or
 * after `ms`, whichever comes first.
 */
export function lingerOnUnreadBody(req: IncomingMessage, socket: Socket, limits = DRAIN_LIMITS): void {
  let answered = false;
  let drained = 0;
  let closing = false;
  // Destroy once the answer is flushed: destroying earlier would drop its unsent bytes.
  const close = () => {
    if (!answered || closing) return;
    closing = true;
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  };
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > limits.bytes) close();
  });
  req.once('end', close);
  // The body reader may have paused the request when it refused the body.
  req.resume();
  // With `Connection: close` Node ends the exchange with socket.destroySoon() once the answer is
  // written, which destroys a socket the client is still writing to; this socket lingers instead.
  socket.destroySoon = () => {
    answered = true;
    socket.end();
    // A client that reads nothing and sends nothing does not hold the socket past the deadline.
    const timer = setTimeout(() => socket.destroy(), limits.ms);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    if (req.complete || drained > limits.bytes) close();
  };
}

/** The server's response class (createServer's `ServerResponse` option). */
export class DrainingResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** See whenHeadWritten. Set on every response at construction: one shape for all of them. */
  onHead: ((head: string) => void) | undefined = undefined;

  // Node's two forms spelled out (status, [reason,] [headers]): every answer passes here, and a
  // rest parameter re-spread into apply() cost an array or two per response.
  override writeHead(statusCode: number, reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    const socket = this.socket as Socket | null;
    if (!this.headersSent && socket && bodyPending(this.req)) {
      this.setHeader('Connection', 'close');
      lingerOnUnreadBody(this.req, socket);
    }
    const out = typeof reason === 'string' ? super.writeHead(statusCode, reason, headers) : super.writeHead(statusCode, reason);
    const told = this.onHead;
    if (told) {
      this.onHead = undefined;
      told(headOf(this));
    }
    return out;
  }
}

/**
 * The head Node stored for writing (`_header`, set by writeHead; node:http's own headersSent reads
 * it), without its closing blank line. The flow recorder copies it into its text arena at once
 * (server/flows/textArena.ts), so nothing keeps this string past the request.
 */
function headOf(res: ServerResponse): string {
  const head = (res as unknown as { _header: string | null })._header ?? '';
  // Node always ends a head with the blank line; anything else is kept as it is.
  return head.endsWith('\r\n\r\n') ? head.slice(0, -4) : head;
}

/**
 * Calls `told` with the answer's head exactly as Node writes it (status line and header lines,
 * Content-Length, Date and Connection included): when it is written, or at once if it already
 * was. The flow recorder keeps it, so a step shows the final headers without copying them on
 * every request. False (and `told` never called) when `res` is not this server's response class.
 */
export function whenHeadWritten(res: unknown, told: (head: string) => void): boolean {
  if (!(res instanceof DrainingResponse)) return false;
  if (res.headersSent) told(headOf(res));
  else res.onHead = told;
  return true;
}
