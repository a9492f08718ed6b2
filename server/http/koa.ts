/**
 * The one Koa app instance every request goes through, configured for this server: no proxy
 * headers trusted, no stack traces printed by Koa (the error handler decides what is logged), and
 * a lean `ctx.set`.
 */
import Koa from 'koa';

export function createKoa(): Koa {
  const app = new Koa();
  app.proxy = false;
  app.silent = true;
  // Koa 3's response.set builds two arrays per call (for the object and array forms it also
  // takes), and a token request sets a dozen headers: the plain `set(name, value)` form goes
  // straight to Node, with the same headers-sent check. Koa documents app.response as the
  // prototype to extend.
  const set = app.response.set;
  app.response.set = function (this: Koa.BaseResponse & { res: Koa.Context['res'] }, field: unknown, val?: unknown) {
    if (typeof field !== 'string' || Array.isArray(val)) return set.call(this, field as never, val as never);
    if (!this.res.headersSent && field) this.res.setHeader(field, val as string);
  } as typeof set;
  return app;
}
