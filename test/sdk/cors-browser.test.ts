/**
 * What MCP Inspector's browser-direct mode does, in real Chromium: a page on another origin
 * fetches the example MCP server's PRM and POSTs to /mcp with Authorization and
 * MCP-Protocol-Version (both force a CORS preflight). Without CORS before auth the browser
 * reports "blocked by CORS policy" and the page sees only a TypeError.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { launchBrowser } from '../helpers/browser';
import { startAsStub, type AsStub } from './helpers/as-stub';
import { listen, type Listening } from './helpers/listen';

let as: AsStub;
let mcp: ExampleMcpServer;
let otherOrigin: Listening;
let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  as = await startAsStub({ resource: 'unused' });
  mcp = await startExampleMcpServer({ issuer: as.issuer, port: 0 });
  // Another port is another origin.
  otherOrigin = await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>client</title>'));
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${otherOrigin.origin}/`);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await otherOrigin?.close();
  await mcp?.close();
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

const LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };

describe('cross-origin browser client against the example MCP server', () => {
  it('reads the PRM document with a preflighted request', async () => {
    const seen = await pageFetch(mcp.prmUrl, { method: 'GET', headers: { 'mcp-protocol-version': '2025-11-25' } });
    expect(seen).toMatchObject({ status: 200 });
    expect(JSON.parse((seen as Seen).body)).toMatchObject({ resource: mcp.url, authorization_servers: [as.issuer] });
  });

  it('sees the 401 challenge (WWW-Authenticate exposed) on a POST without a token', async () => {
    const seen = await pageFetch(mcp.url, { method: 'POST', headers: MCP_HEADERS, body: LIST });
    expect(seen).toMatchObject({
      status: 401,
      // The SDK 1.x requireBearerAuth's own wording for a missing header.
      wwwAuthenticate: `Bearer error="invalid_token", error_description="Missing Authorization header", resource_metadata="${mcp.prmUrl}"`,
    });
  });

  it('lists tools with a bearer token through the preflight', async () => {
    const token = await as.mint({ aud: mcp.url, scope: 'read write' });
    const seen = await pageFetch(mcp.url, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: LIST });
    expect(seen).toMatchObject({ status: 200 });
    const names = (JSON.parse((seen as Seen).body) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
    expect(names).toEqual(['whoami', 'read_note', 'write_note']);
  });
});
