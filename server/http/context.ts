/**
 * The part of Koa's request context the OAuth steps and the shared middlewares use: typing them on
 * this small interface keeps what they depend on visible (and lets a unit test hand them a plain
 * object), while the app passes them Koa's own Context.
 */
import type { IncomingMessage } from 'node:http';

export interface HttpContext {
  readonly req: IncomingMessage;
  readonly method: string;
  /** The path of the request target, not decoded (as Koa's ctx.path). */
  readonly path: string;
  /** The query string without `?`. */
  readonly querystring: string;
  /** Per-request values the steps share (as Koa's `any`-typed ctx.state). */
  state: any;
  status: number;
  body: unknown;
  /** Content-Type of the response (set with a full value, e.g. `text/html; charset=utf-8`). */
  type: string;
  /** A request header, '' when absent. */
  get(field: string): string;
  /** Sets a response header. */
  set(field: string, val: string): void;
  /** The request's content type against `types` (type-is); false when none match, null without a body. */
  is(...types: string[]): string | false | null;
  /** Location + 302 (unless a 3xx status is set) + a short body, as Koa does. */
  redirect(url: string): void;
  readonly response: { get(field: string): string };
  /** Node's response (Koa's ctx.res). */
  readonly res?: { getHeader(name: string): number | string | string[] | undefined };
}

/**
 * A response header as set so far, '' when absent. Koa's `ctx.response.get` copies every header
 * (`res.getHeaders()`) to read one; the recorders read a few on every request.
 */
export function responseHeader(ctx: HttpContext, name: string): string {
  const v = ctx.res ? ctx.res.getHeader(name) : ctx.response.get(name);
  return v === undefined ? '' : String(v);
}

export type Next = () => Promise<void>;
export type HttpMiddleware = (ctx: HttpContext, next: Next) => Promise<void> | void;

/**
 * Runs middlewares in order, each calling `next` to go on, the last one's `next` being `last`
 * (koa-compose without its checks: a route's chain is composed once, when the route is added).
 */
export function compose<C = HttpContext>(list: Array<(ctx: C, next: Next) => unknown>): (ctx: C, last?: Next) => Promise<void> {
  return (ctx, last) => {
    const step = (i: number): Promise<void> => {
      const mw = list[i];
      if (!mw) return last ? last() : Promise.resolve();
      try {
        return Promise.resolve(mw(ctx, () => step(i + 1))) as Promise<void>;
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return step(0);
  };
}
