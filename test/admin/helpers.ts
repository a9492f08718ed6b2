/** Raw HTTP against a running server's admin API: exact headers in, exact status and body out. */
import { expect } from 'vitest';
import type { TestServer } from '../helpers/server';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string | null;
  json?: unknown;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export async function call(server: TestServer, method: string, path: string, o: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...o.headers };
  const token = o.token === undefined ? server.adminToken : o.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined = o.body;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers['content-type'] = 'application/json';
  }
  if (o.contentType) headers['content-type'] = o.contentType;
  const res = await fetch(`${server.issuer}/admin/api${path}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
export const ID22 = expect.stringMatching(/^[\w-]{22}$/);
