/**
 * A route table for the Koa app: routes in a find-my-way radix tree, dispatched by one Koa
 * middleware. The public routes (discovery, the OAuth endpoints, consent) are what every token
 * costs, so a request finds its route in one lookup instead of testing every route in order, and
 * each route's middlewares are composed once, when it is added, not on every request.
 *
 * Matching is @koa/router's (the admin API and the UI still use it): case-insensitive, an optional
 * trailing slash, the raw path (no percent-decoding), HEAD served by GET. A path the table knows
 * with a method it does not answers 405 with `Allow` (OPTIONS: 200 with `Allow`) once nothing
 * further down answered it, as the routers' `allowedMethods()` do (the error handler words 405
 * and 501 alike).
 */
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { Context, Middleware, Next } from 'koa';
import { compose } from './context';

type Run = (ctx: Context, next: Next) => Promise<void>;

// The order Allow lists them in (@koa/router lists a GET route as HEAD, GET).
const METHODS: HTTPMethod[] = ['HEAD', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export class RouteTable {
  private readonly tree = FindMyWay({ caseSensitive: false, ignoreTrailingSlash: true });

  /** GET and HEAD (Koa sends a HEAD answer without its body). */
  get(path: string, ...handlers: Middleware[]): this {
    return this.on(['HEAD', 'GET'], path, handlers);
  }

  post(path: string, ...handlers: Middleware[]): this {
    return this.on(['POST'], path, handlers);
  }

  private on(methods: HTTPMethod[], path: string, handlers: Middleware[]): this {
    const run: Run = compose<Context>(handlers);
    // The chain is the route's store; find-my-way's own handler signature (req, res) is unused.
    this.tree.on(methods, path, () => undefined, run);
    return this;
  }

  private find(method: string, path: string): Run | undefined {
    // Our paths are literal: a raw path with an escape in it is no route of ours, as with @koa/router.
    if (path.includes('%')) return undefined;
    return (this.tree.find(method as HTTPMethod, path)?.store as Run | undefined) ?? undefined;
  }

  /** The Koa middleware: the route's chain, or on to the next middleware (then 405/OPTIONS). */
  middleware(): Middleware {
    return (ctx, next) => {
      const run = this.find(ctx.method, ctx.path);
      if (run) return run(ctx, next);
      return next().then(() => {
        // 501: the admin router's allowedMethods() said so of a method no router implements.
        if (ctx.status !== 404 && ctx.status !== 501) return;
        const allowed = METHODS.filter((m) => this.find(m, ctx.path));
        if (allowed.length === 0) return;
        ctx.set('Allow', allowed.join(', '));
        if (ctx.method === 'OPTIONS') {
          ctx.status = 200;
          ctx.body = '';
        } else ctx.status = 405;
      });
    };
  }
}
