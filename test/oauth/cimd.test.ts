/**
 * Client ID Metadata Document fetching against the real server and a hostile document server on
 * loopback: every limit (size, compression, redirects, time on headers and on the body), the
 * special-purpose address filter, and one resolution per fetch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';
import { endless, gzipBomb, startHostileServer, type HostileServer } from '../net/hostileServer';

const CB = 'http://127.0.0.1:8765/callback';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const names = new Map<string, string[]>();
const resolveCalls: string[] = [];

let s: TestServer;
let docs: HostileServer;
const pending: Array<() => void> = [];

const docFor = (url: string) => JSON.stringify({ client_id: url, client_name: 'CIMD client', redirect_uris: [CB] });

beforeAll(async () => {
  docs = await startHostileServer({
    '/ok.json': (req, res, origin) => res.writeHead(200, { 'content-type': 'application/json' }).end(docFor(`${origin}${req.url}`)),
    '/named.json': (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(docFor(`http://localhost:${req.socket.localPort}${req.url}`)),
    '/declared-huge.json': (_req, res) => {
      // Announces 300 MB, sends a first chunk and waits: only the Content-Length can refuse it.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * 1024 * 1024) });
      res.write('{"client_id":"');
    },
    '/chunked-huge.json': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      endless(res);
    },
    '/bomb.json': (_req, res) => {
      const body = gzipBomb(64 * 1024 * 1024);
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length) }).end(body);
    },
    '/redirect.json': (_req, res) => res.writeHead(302, { location: '/ok.json' }).end(),
    '/silent.json': (_req, res) => pending.push(() => res.destroy()),
    '/dribble.json': (req, res, origin) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const text = docFor(`${origin}${req.url}`);
      let i = 0;
      const t = setInterval(() => (i < text.length && !res.destroyed ? res.write(text[i++]!) : clearInterval(t)), 250);
      res.once('close', () => clearInterval(t));
    },
  });
  s = await startTestServer({
    resolve: async (host) => {
      resolveCalls.push(host);
      if (host === 'slow.test') return new Promise<string[]>(() => undefined);
      const found = names.get(host);
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      // A rebinding resolver: the first answer is the one a check sees; later ones point elsewhere.
      names.set(host, ['169.254.169.254']);
      return found;
    },
  });
  await seedSingleMcp(s);
}, 60_000);

afterAll(async () => {
  for (const p of pending) p();
  await s?.stop();
  await docs?.close();
});

function authorize(clientId: string): Promise<Response> {
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: CB, scope: 'read', state: 'st', code_challenge: CHALLENGE, code_challenge_method: 'S256', resource: 'http://127.0.0.1:3001/mcp' });
  return s.fetch(`/oauth/authorize?${q}`, { redirect: 'manual', headers: { accept: 'text/html' } });
}

const unescape = (t: string) => t.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The error page's status, `error` code and description. */
async function refusal(res: Response) {
  const html = await res.text();
  return {
    status: res.status,
    error: unescape(/<p class="code">error: <code>(.*?)<\/code>/.exec(html)?.[1] ?? ''),
    description: unescape(/<p class="error-desc">(.*?)<\/p>/s.exec(html)?.[1] ?? ''),
  };
}

const refused = (description: string) => ({ status: 400, error: 'invalid_client', description });

describe('CIMD fetch limits', () => {
  it('fetches a well-formed document with accept-encoding: identity and registers the client', async () => {
    const url = `${docs.origin}/ok.json`;
    const res = await authorize(url);
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    expect((await docs.visit('/ok.json')).headers['accept-encoding']).toBe('identity');
    expect(s.services.clients.get(url)).toMatchObject({ registration_source: 'cimd', client_name: 'CIMD client' });
  });

  it('refuses a Content-Length over 64 KB without reading the body', async () => {
    const url = `${docs.origin}/declared-huge.json`;
    expect(await refusal(await authorize(url))).toEqual(refused(`the client metadata document ${url} is 314572800 bytes, more than the 64 KB limit`));
    await docs.visit('/declared-huge.json').then((v) => v.closed);
  });

  it('stops reading a chunked body at 64 KB and hangs up', async () => {
    const url = `${docs.origin}/chunked-huge.json`;
    expect(await refusal(await authorize(url))).toEqual(refused(`the client metadata document ${url} is larger than the 64 KB limit`));
    // The endless stream only ends because the server hung up on it.
    await (await docs.visit('/chunked-huge.json')).closed;
  });

  it('asks for identity and refuses a gzip bomb sent anyway, without inflating it', async () => {
    const url = `${docs.origin}/bomb.json`;
    expect(await refusal(await authorize(url))).toEqual(refused(`the client metadata document ${url} was sent gzip-encoded although identity was requested; compressed documents are refused`));
    expect((await docs.visit('/bomb.json')).headers['accept-encoding']).toBe('identity');
  });

  it('refuses a redirect and never follows it', async () => {
    const url = `${docs.origin}/redirect.json`;
    const before = docs.hits('/ok.json');
    expect(await refusal(await authorize(url))).toEqual(refused(`the client metadata document ${url} redirects (HTTP 302 to /ok.json); redirects are not followed`));
    expect(docs.hits('/ok.json')).toBe(before);
  });

  it('gives up on a server that never sends headers after 5 s', async () => {
    const url = `${docs.origin}/silent.json`;
    expect(await refusal(await authorize(url))).toEqual(refused(`the client metadata document ${url} did not answer in full within 5 s`));
  }, 30_000);

  it('gives up on a body dribbled after the headers, within the same 5 s, and /health stays responsive', async () => {
    const url = `${docs.origin}/dribble.json`;
    const pendingAuthorize = authorize(url);
    await docs.visit('/dribble.json');
    const health = await s.fetch('/health');
    expect(health.status).toBe(200);
    expect(await refusal(await pendingAuthorize)).toEqual(refused(`the client metadata document ${url} did not answer in full within 5 s`));
    await (await docs.visit('/dribble.json')).closed;
  }, 30_000);
});

describe('CIMD address checks', () => {
  const special: Array<[string, string]> = [
    ['loopback', '127.0.0.1'],
    ['private', '10.1.2.3'],
    ['cloud metadata (link-local)', '169.254.169.254'],
    ['benchmarking 198.18.0.0/15', '198.19.0.7'],
    ['IPv4 multicast', '224.0.0.251'],
    ['IPv4-compatible ::/96', '::a01:203'],
    ['NAT64 64:ff9b::/96', '64:ff9b::a9fe:a9fe'],
    ['site-local fec0::/10', 'fec0::1'],
    ['IPv6 multicast', 'ff02::1'],
    ['unique local', 'fd12::1'],
    ['v4-mapped private', '::ffff:192.168.1.1'],
    ['v4-mapped in hex', '::ffff:a9fe:a9fe'],
  ];
  it.each(special)('refuses a name resolving to a %s address', async (_label, address) => {
    const host = `ssrf-${address.replace(/[:.]/g, '-')}.test`;
    names.set(host, [address]);
    const url = `https://${host}/client.json`;
    expect(await refusal(await authorize(url))).toEqual(refused(`client_id "${url}" resolves to ${address}, a private or special-purpose address; refusing to fetch it (SSRF protection)`));
  });

  it('refuses a name with one private address among public ones', async () => {
    names.set('mixed.test', ['93.184.215.14', '2606:4700::1111', '10.0.0.1']);
    const url = 'https://mixed.test/client.json';
    expect(await refusal(await authorize(url))).toEqual(refused(`client_id "${url}" resolves to 10.0.0.1, a private or special-purpose address; refusing to fetch it (SSRF protection)`));
  });

  it('refuses a literal special-purpose IP without resolving it', async () => {
    const url = 'https://[fec0::1]/client.json';
    const calls = resolveCalls.length;
    expect(await refusal(await authorize(url))).toEqual(refused(`client_id "${url}" resolves to fec0::1, a private or special-purpose address; refusing to fetch it (SSRF protection)`));
    expect(resolveCalls.length).toBe(calls);
  });

  it('says so when the name does not resolve', async () => {
    const url = 'https://nowhere.test/client.json';
    expect(await refusal(await authorize(url))).toEqual(refused(`client_id "${url}": the host nowhere.test does not resolve`));
  });

  it('gives up on a resolver that never answers after 5 s', async () => {
    const url = 'https://slow.test/client.json';
    expect(await refusal(await authorize(url))).toEqual(refused(`client_id "${url}": the host slow.test did not resolve within 5 s`));
  }, 30_000);

  it('resolves a loopback name once and connects to the address it checked', async () => {
    const port = new URL(docs.origin).port;
    const url = `http://localhost:${port}/named.json`;
    names.set('localhost', ['127.0.0.1']);
    const calls = resolveCalls.filter((h) => h === 'localhost').length;
    const res = await authorize(url);
    expect(res.status).toBe(303);
    // A second lookup would have answered 169.254.169.254 (the rebinding resolver above).
    expect(resolveCalls.filter((h) => h === 'localhost').length).toBe(calls + 1);
    expect((await docs.visit('/named.json')).headers.host).toBe(`localhost:${port}`);
  });

  it('refuses a loopback name that resolves off loopback', async () => {
    names.set('localhost', ['10.0.0.5']);
    const url = 'http://localhost:9/elsewhere.json';
    expect(await refusal(await authorize(url))).toEqual(refused(`client_id "${url}": localhost resolves to 10.0.0.5, which is not a loopback address; refusing to fetch it (SSRF protection)`));
  });
});
