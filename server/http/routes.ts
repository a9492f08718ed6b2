/**
 * The app's route table: every route (public, admin API, UI) in one find-my-way radix tree,
 * dispatched by one Koa middleware. A request finds its route in one lookup instead of testing
 * every route in order, and each route's middlewares are composed once, when it is added, not on
 * every request. A scope (`scope('/admin/api', auth, …)`) adds routes under a prefix behind the
 * scope's middlewares.
 *
 * Matching is what @koa/router did before: case-insensitive, an optional trailing slash, HEAD
 * served by GET; a percent-escaped literal path is no route, while a parameter arrives
 * percent-decoded (client ids may be URLs). A path the table knows with a method it does not
 * answers 405 with `Allow` (OPTIONS: 200 with `Allow`), as @koa/router's `allowedMethods()` did.
 */
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { Context, Middleware, Next } from 'koa';
import { compose } from './context';

type Run = (ctx: Context, next: Next) => Promise<void>;

// The order Allow lists them in (@koa/router lists a GET route as HEAD, GET).
const METHODS: HTTPMethod[] = ['HEAD', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Adding routes: the table itself, or a scope of it. */
export interface Routes {
  /** GET and HEAD (Koa sends a HEAD answer without its body). */
  get(path: string, ...handlers: Middleware[]): this;
  post(path: string, ...handlers: Middleware[]): this;
  patch(path: string, ...handlers: Middleware[]): this;
  delete(path: string, ...handlers: Middleware[]): this;
  /** Every method, OPTIONS included (a scope's catch-all). */
  all(path: string, ...handlers: Middleware[]): this;
}

type On = (methods: HTTPMethod[], path: string, handlers: Middleware[]) => void;

class RouteAdder implements Routes {
  constructor(private readonly add: On) {}
  get(path: string, ...handlers: Middleware[]): this {
    this.add(['HEAD', 'GET'], path, handlers);
    return this;
  }
  post(path: string, ...handlers: Middleware[]): this {
    this.add(['POST'], path, handlers);
    return this;
  }
  patch(path: string, ...handlers: Middleware[]): this {
    this.add(['PATCH'], path, handlers);
    return this;
  }
  delete(path: string, ...handlers: Middleware[]): this {
    this.add(['DELETE'], path, handlers);
    return this;
  }
  all(path: string, ...handlers: Middleware[]): this {
    this.add([...METHODS, 'OPTIONS'], path, handlers);
    return this;
  }
}

export class RouteTable extends RouteAdder {
  private readonly tree = FindMyWay({ caseSensitive: false, ignoreTrailingSlash: true });

  constructor() {
    super((methods, path, handlers) => this.on(methods, path, handlers));
  }

  /** Routes under `prefix`, each behind `middlewares` (run in order before the route's own). */
  scope(prefix: string, ...middlewares: Middleware[]): Routes {
    return new RouteAdder((methods, path, handlers) => this.on(methods, `${prefix}${path}`, [...middlewares, ...handlers]));
  }

  private on(methods: HTTPMethod[], path: string, handlers: Middleware[]): void {
    const run: Run = compose<Context>(handlers);
    // The chain is the route's store; find-my-way's own handler signature (req, res) is unused.
    this.tree.on(methods, path, () => undefined, run);
  }

  private find(method: string, path: string): { run: Run; params: Record<string, string | undefined> } | undefined {
    // find-my-way decodes the whole path; our literal segments match raw, as with @koa/router
    // ("/%68ealth" is no route), and only parameters are decoded: so each escape is escaped for the
    // lookup, and the parameters decoded once here.
    const escaped = path.includes('%');
    const found = this.tree.find(method as HTTPMethod, escaped ? path.replaceAll('%', '%25') : path);
    if (!found) return undefined;
    if (!escaped) return { run: found.store as Run, params: found.params };
    const params: Record<string, string | undefined> = {};
    try {
      for (const [k, v] of Object.entries(found.params)) params[k] = v === undefined ? v : decodeURIComponent(v);
    } catch {
      return undefined; // a malformed escape names no resource of ours
    }
    return { run: found.store as Run, params };
  }

  /** The Koa middleware: the route's chain, or on to the next middleware (then 405/OPTIONS). */
  middleware(): Middleware {
    return (ctx, next) => {
      const found = this.find(ctx.method, ctx.path);
      if (found) {
        (ctx as Context & { params: Record<string, string | undefined> }).params = found.params;
        return found.run(ctx, next);
      }
      return next().then(() => {
        if (ctx.status !== 404) return;
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
