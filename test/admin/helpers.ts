/** Raw HTTP against a running server's admin API (exact headers in, exact status and body out), and servers started per test. */
import { afterEach, expect } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

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

/**
 * Servers for one test each: `server(opts)` starts one, and those the test has not stopped
 * itself are stopped after it. Call at the top level of a test file.
 */
export function serversPerTest() {
  const running = new Set<TestServer>();
  afterEach(async () => {
    for (const s of [...running]) await s.stop();
  });
  return async (opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> => {
    const started = await startTestServer(opts);
    const s: TestServer = {
      ...started,
      stop: async () => {
        running.delete(s);
        await started.stop();
      },
    };
    running.add(s);
    return s;
  };
}
