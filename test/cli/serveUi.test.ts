/** `authserver serve` prints a one-time `UI:` sign-in link whose cookie authenticates the admin API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliEnv, removeBuild, startServe, tempDir, type ServeProcess } from './helpers';
import { until } from '../helpers/until';

let cli: string;
let serve: ServeProcess;

beforeAll(async () => {
  cli = await buildCli();
  const home = await tempDir();
  serve = await startServe(cli, ['--port', '0', '--data-dir', await tempDir()], cliEnv(home));
});
afterAll(async () => {
  await serve?.stop();
  await removeBuild(cli);
});

/** The link of the "UI: " line, which follows the issuer line a moment later (30 s on a busy machine). */
async function uiLine(): Promise<string> {
  const line = await until(() => serve.stdout().split('\n').find((l) => l.startsWith('UI: ')), 'the UI: line');
  return line.slice(4);
}

describe('serve UI sign-in', () => {
  it('prints the UI link on the second line, and it signs the browser in once', async () => {
    const url = await uiLine();
    expect(serve.stdout().split('\n')[1]).toBe(`UI: ${url}`);
    expect(url).toMatch(new RegExp(`^${serve.issuer}/ui/\\?token=[\\w-]{20,}$`));

    const noCookie = await fetch(`${serve.issuer}/admin/api/resources`);
    expect(noCookie.status).toBe(401);

    const login = await fetch(url, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/ui/');
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/httponly/i);
    expect(setCookie).toMatch(/samesite=strict/i);
    const cookie = setCookie.split(';')[0]!;

    const withCookie = await fetch(`${serve.issuer}/admin/api/resources`, { headers: { cookie } });
    expect(withCookie.status).toBe(200);
    expect(await withCookie.json()).toEqual([]);

    // The token is single use: a second visit does not create another session.
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.headers.get('set-cookie')).toBeNull();
  });
});
