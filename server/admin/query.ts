/**
 * The one parser for admin query strings (REST routes and the CLI's direct port): a name the
 * route's schema does not list is refused with the accepted ones, then values are checked.
 */
import type { Context, Next } from 'koa';
import type { z } from 'zod';
import { NoQuery, unknownParamMessage } from '../contracts/adminQueries';
import { parseOrThrow } from '../domain/parse';
import { InvalidRequest } from '../errors';
import { queryParams } from '../http/body';

export function parseQuery<S extends z.ZodType>(schema: S, params: Record<string, string>): z.output<S> {
  const unknown = unknownParamMessage(schema, params);
  if (unknown) throw new InvalidRequest(unknown);
  return parseOrThrow(schema, params);
}

/** The request's query string, parsed by the route's schema. */
export function readQuery<S extends z.ZodType>(ctx: Context, schema: S): z.output<S> {
  return parseQuery(schema, queryParams(ctx).params);
}

/** Route middleware for routes that take no query parameters. */
export async function noQuery(ctx: Context, next: Next): Promise<void> {
  readQuery(ctx, NoQuery);
  await next();
}
