/**
 * The part of a request context the OAuth hot path uses. Koa's Context has this shape, and so
 * does the lean LaneContext (server/http/lane.ts) that serves /oauth/authorize and /oauth/token
 * without Koa: the same middlewares and steps run on either.
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
}

export type Next = () => Promise<void>;
export type HttpMiddleware = (ctx: HttpContext, next: Next) => Promise<void> | void;

/** Runs middlewares in order, each calling `next` to go on (koa-compose without the checks). */
export function compose(list: HttpMiddleware[]): (ctx: HttpContext) => Promise<void> {
  return (ctx) => {
    const step = (i: number): Promise<void> => {
      const mw = list[i];
      if (!mw) return Promise.resolve();
      try {
        return Promise.resolve(mw(ctx, () => step(i + 1)));
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return step(0);
  };
}
