/**
 * What MCP Inspector's browser-direct mode does, in real Chromium: a page on another origin
 * fetches the example MCP server's PRM and POSTs to /mcp with Authorization and
 * MCP-Protocol-Version (both force a CORS preflight). Without CORS before auth the browser
 * reports "blocked by CORS policy" and the page sees only a TypeError.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import type { McpProtocol } from '../../server/contracts/mcpProtocol';
import { launchBrowser } from '../helpers/browser';
import { startAsStub, type AsStub } from './helpers/as-stub';
import { listen, type Listening } from './helpers/listen';

let as: AsStub;
let otherOrigin: Listening;
let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  as = await startAsStub({ resource: 'unused' });
  // Another port is another origin.
  otherOrigin = await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>client</title>'));
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${otherOrigin.origin}/`);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await otherOrigin?.close();
  await as?.close();
});

interface Seen {
  status: number;
  wwwAuthenticate: string | null;
  body: string;
}

/** fetch() run inside the page; a CORS failure surfaces as { error }. */
function pageFetch(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Seen | { error: string }> {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const res = await fetch(url, init);
        return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body: await res.text() };
      } catch (err) {
        return { error: String(err) };
      }
    },
    { url, init },
  );
}

/** A tools/list request as each revision's clients send it (2026-07-28: Mcp-Method header and _meta). */
const REQUESTS: Record<McpProtocol, { headers: Record<string, string>; body: string }> = {
  '2026-07-28': {
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'page', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} } },
    }),
  },
  '2025-11-25': {
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  },
};

/** The 401 without a token: our Express adapter (SDK v2 wiring) or the SDK 1.x requireBearerAuth's own wording. */
const NO_TOKEN: Record<McpProtocol, (prm: string) => string> = {
  '2026-07-28': (prm) => `Bearer resource_metadata="${prm}"`,
  '2025-11-25': (prm) => `Bearer error="invalid_token", error_description="Missing Authorization header", resource_metadata="${prm}"`,
};

describe.each(['2026-07-28', '2025-11-25'] as const)('cross-origin browser client against the example MCP server (MCP %s)', (protocol) => {
  let mcp: ExampleMcpServer;
  beforeAll(async () => {
    mcp = await startExampleMcpServer({ issuer: as.issuer, port: 0, protocol });
  });
  afterAll(() => mcp?.close());
  const req = REQUESTS[protocol];

  it('reads the PRM document with a preflighted request', async () => {
    const seen = await pageFetch(mcp.prmUrl, { method: 'GET', headers: { 'mcp-protocol-version': protocol } });
    expect(seen).toMatchObject({ status: 200 });
    expect(JSON.parse((seen as Seen).body)).toMatchObject({ resource: mcp.url, authorization_servers: [as.issuer] });
  });

  it('sees the 401 challenge (WWW-Authenticate exposed) on a POST without a token', async () => {
    const seen = await pageFetch(mcp.url, { method: 'POST', headers: req.headers, body: req.body });
    expect(seen).toMatchObject({ status: 401, wwwAuthenticate: NO_TOKEN[protocol](mcp.prmUrl) });
  });

  it('lists tools with a bearer token through the preflight', async () => {
    const token = await as.mint({ aud: mcp.url, scope: 'read write' });
    const seen = await pageFetch(mcp.url, { method: 'POST', headers: { ...req.headers, authorization: `Bearer ${token}` }, body: req.body });
    expect(seen).toMatchObject({ status: 200 });
    const names = (JSON.parse((seen as Seen).body) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
    expect(names).toEqual(['whoami', 'read_note', 'write_note']);
  });
});
