import { it } from 'vitest';
import { createServer } from 'node:http';
import { launchBrowser } from '../helpers/browser';
import { seededServer } from './lib/routes';
it('dbg', async () => {
  const x = await seededServer();
  const srv = createServer((req, res) => { res.setHeader('content-type','text/html'); res.end(`<form id="f" method="POST" action="${x.server.issuer}/consent"><input type="hidden" name="interaction" value="${x.interaction}"></form><script>document.getElementById('f').submit()</script>`); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const b = await launchBrowser();
  const page = await b.newPage();
  page.on('response', (r) => console.log('RESP', r.status(), r.url()));
  page.on('requestfailed', (r) => console.log('FAILED', r.url(), r.failure()?.errorText));
  page.on('console', (m) => console.log('CONSOLE', m.text()));
  await page.goto(`http://127.0.0.1:${(srv.address() as any).port}/`);
  await page.waitForTimeout(2000);
  console.log('URL', page.url());
  await b.close(); srv.close(); await x.server.stop();
}, 30000);
