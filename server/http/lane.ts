/**
 * The lane: GET /oauth/authorize and POST /oauth/token served straight from node:http, through the
 * same middlewares and handlers as the Koa app, on a LaneContext that behaves like Koa's Context
 * for everything they use. Koa's context objects, its router (which tests ~50 routes) and its
 * response negotiation cost about as much as the rest of a token request (BENCHMARKS.md); every
 * other route, and any method or path variant of these two, still goes through Koa.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import accepts from 'accepts';
import encodeUrl from 'encodeurl';
import escapeHtml from 'escape-html';
import typeis from 'type-is';
import { compose, type HttpContext, type HttpMiddleware } from './context';

const EMPTY_STATUS = new Set([204, 205, 304]);
const REDIRECT_STATUS = new Set([300, 301, 302, 303, 305, 307, 308]);

export class LaneContext implements HttpContext {
  /** As Koa's ctx.state. */
  state: any = {};
  private _status = 404;
  private explicitStatus = false;
  private _body: unknown = undefined;
  readonly response = {
    get: (field: string): string => {
      const v = this.res.getHeader(field);
      return v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v);
    },
  };

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly path: string,
    readonly querystring: string,
  ) {}

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get status(): number {
    return this._status;
  }

  set status(code: number) {
    this._status = code;
    this.explicitStatus = true;
    if (EMPTY_STATUS.has(code)) this._body = null;
  }

  get body(): unknown {
    return this._body;
  }

  /** As Koa: a body makes the status 200 unless one was set, and sets a content type when none is. */
  set body(val: unknown) {
    this._body = val;
    if (val === null || val === undefined) return;
    if (!this.explicitStatus) this._status = 200;
    if (this.res.hasHeader('content-type')) return;
    if (typeof val === 'string') this.type = /^\s*</.test(val) ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8';
    else if (!Buffer.isBuffer(val)) this.type = 'application/json; charset=utf-8';
  }

  get type(): string {
    const t = this.res.getHeader('content-type');
    return typeof t === 'string' ? t.split(';')[0]! : '';
  }

  /** Full values only (what our handlers set); Koa's bare `json` shorthand is expanded like Koa does. */
  set type(val: string) {
    this.res.setHeader('Content-Type', val === 'application/json' ? 'application/json; charset=utf-8' : val);
  }

  get(field: string): string {
    const name = field.toLowerCase();
    const h = this.req.headers;
    if (name === 'referer' || name === 'referrer') return (h.referrer as string | undefined) || h.referer || '';
    const v = h[name];
    return (Array.isArray(v) ? v.join(', ') : v) || '';
  }

  set(field: string, val: string): void {
    if (!this.res.headersSent) this.res.setHeader(field, val);
  }

  is(...types: string[]): string | false | null {
    return typeis(this.req, types);
  }

  redirect(url: string): void {
    if (/^https?:\/\//i.test(url)) url = new URL(url).toString();
    this.set('Location', encodeUrl(url));
    if (!REDIRECT_STATUS.has(this._status)) this.status = 302;
    if (accepts(this.req).types('html')) {
      this.type = 'text/html; charset=utf-8';
      this.body = `Redirecting to ${escapeHtml(url)}.`;
      return;
    }
    this.type = 'text/plain; charset=utf-8';
    this.body = `Redirecting to ${url}.`;
  }

  /** Writes the response in one `end` (headers and body together), as Koa's respond() would. */
  respond(): void {
    const res = this.res;
    if (res.headersSent || !res.writable) return;
    res.statusCode = this._status;
    let body = this._body;
    if (EMPTY_STATUS.has(this._status)) {
      res.removeHeader('Content-Type');
      res.end();
      return;
    }
    if (body === null || body === undefined) {
      body = String(this._status);
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    }
    const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    res.setHeader('Content-Length', Buffer.byteLength(payload));
    res.end(payload);
  }
}

export interface LaneRoute {
  method: 'GET' | 'POST';
  path: string;
  /** The route's own middlewares and handler, after the shared ones. */
  handlers: HttpMiddleware[];
}

/**
 * A request listener for `routes` (exact method and path), or undefined when the request is not
 * one of them. `front` are the app-wide middlewares, in the Koa app's order.
 */
export function createLane(front: HttpMiddleware[], routes: LaneRoute[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const table = new Map(routes.map((r) => [`${r.method} ${r.path}`, compose([...front, ...r.handlers])]));
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const run = table.get(`${req.method} ${path}`);
    if (!run) return false;
    const ctx = new LaneContext(req, res, path, q < 0 ? '' : url.slice(q + 1));
    run(ctx).then(
      () => ctx.respond(),
      // The shared error handler renders every error; this is only reached if a middleware in
      // front of it throws. Same answer as Koa's own last-resort handler, minus the internals.
      () => {
        if (res.headersSent) return void res.destroy();
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ error: 'server_error', error_description: 'an internal error occurred' }));
      },
    );
    return true;
  };
}
