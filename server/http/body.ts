/**
 * Request-body parsing with hard limits. We parse ourselves (no body-parser) so every failure is
 * an OAuth error with a description, and a slow or oversized body cannot hold memory.
 */
import type { HttpContext } from './context';
import { InvalidRequest, PayloadTooLarge, UnsupportedMediaType } from '../errors';

export const FORM_LIMIT = 64 * 1024;
export const JSON_LIMIT = 1024 * 1024;

function readRaw(ctx: HttpContext, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 'NaN');
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new PayloadTooLarge(`request body is larger than ${limit} bytes`));
  const req = ctx.req;
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  // Events, not `for await`: an async iterator per request costs more than a token form's parsing.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: unknown) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        done(new PayloadTooLarge(`request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(err);
    const onAborted = () => done(Object.assign(new Error('request aborted'), { code: 'ECONNRESET' }));
    // A closed stream that never ended (the client went away) must not leave the request waiting.
    const onClose = () => {
      if (!req.complete) onAborted();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    req.on('close', onClose);
  });
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function utf8(buf: Buffer): string {
  try {
    return decoder.decode(buf);
  } catch {
    throw new InvalidRequest('request body is not valid UTF-8');
  }
}

/**
 * application/x-www-form-urlencoded → single-valued params. Repeated parameters are refused
 * (RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once"),
 * except the names in `multi` (e.g. consent scopes).
 */
export async function readForm(ctx: HttpContext, multi: string[] = []): Promise<{ params: Record<string, string>; lists: Record<string, string[]> }> {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new UnsupportedMediaType(`content type must be application/x-www-form-urlencoded (got ${ctx.get('content-type') || 'none'})`);
  }
  // Kept on the request: a fault narrowed to a grant or client reads the form before the endpoint does.
  const text: string = ctx.state.formText ?? (ctx.state.formText = utf8(await readRaw(ctx, FORM_LIMIT)));
  const form = parseParams(formPairs(text), multi);
  // The flow recorder links a step by what it carried (code, refresh token, interaction).
  ctx.state.form = form.params;
  return form;
}

/**
 * The name/value pairs of an application/x-www-form-urlencoded string, as URLSearchParams reads
 * them. Well-formed input (what clients send) is split and decoded with decodeURIComponent, a
 * third of URLSearchParams' cost; anything decodeURIComponent refuses (a stray `%`, bytes that
 * are not UTF-8) goes to URLSearchParams itself, so the result is the same for every input.
 */
export function formPairs(text: string): Iterable<[string, string]> {
  // Lone surrogates become U+FFFD in URLSearchParams (it UTF-8-encodes first); leave those to it.
  if (SURROGATE.test(text) && !(text as unknown as { isWellFormed(): boolean }).isWellFormed()) return new URLSearchParams(text);
  const out: Array<[string, string]> = [];
  let start = 0;
  while (start < text.length) {
    let amp = text.indexOf('&', start);
    if (amp < 0) amp = text.length;
    if (amp > start) {
      const eq = text.indexOf('=', start);
      const split = eq >= 0 && eq < amp;
      const k = decodeFormComponent(text.slice(start, split ? eq : amp));
      const v = split ? decodeFormComponent(text.slice(eq + 1, amp)) : '';
      if (k === undefined || v === undefined) return new URLSearchParams(text);
      out.push([k, v]);
    }
    start = amp + 1;
  }
  return out;
}

const SURROGATE = /[\uD800-\uDFFF]/;

function decodeFormComponent(s: string): string | undefined {
  if (s.includes('+')) s = s.replaceAll('+', ' ');
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

export function parseParams(sp: Iterable<[string, string]>, multi: string[] = []): { params: Record<string, string>; lists: Record<string, string[]> } {
  const params: Record<string, string> = Object.create(null);
  const lists: Record<string, string[]> = Object.create(null);
  for (const [k, v] of sp) {
    if (multi.includes(k)) {
      (lists[k] ??= []).push(v);
      continue;
    }
    if (k in params) throw new InvalidRequest(`parameter "${k}" is included more than once`);
    if (v.length > 8192) throw new InvalidRequest(`parameter "${k}" is too long (max 8192 characters)`);
    params[k] = v;
  }
  return { params, lists };
}

export async function readJson(ctx: HttpContext): Promise<unknown> {
  if (!ctx.is('application/json', '+json')) {
    throw new UnsupportedMediaType(`content type must be application/json (got ${ctx.get('content-type') || 'none'})`);
  }
  const text = utf8(await readRaw(ctx, JSON_LIMIT));
  // Kept for the flow recorder (the request body of a registration step).
  ctx.state.bodyText = text;
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequest('invalid JSON body');
  }
}

export async function readText(ctx: HttpContext, limit = JSON_LIMIT): Promise<string> {
  return utf8(await readRaw(ctx, limit));
}

/** Query parameters of the current request, with duplicates refused. */
export function queryParams(ctx: HttpContext, multi: string[] = []) {
  return parseParams(formPairs(ctx.querystring), multi);
}
