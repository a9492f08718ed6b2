/**
 * A browser's consent, done over HTTP the way the page's form does it: follow the authorization
 * URL to the consent page, read its CSRF token and cookie, and post Approve with every scope
 * the page offers. Returns the redirect back to the client (with the code).
 */
export async function approveOnPage(issuer: string, authorizationUrl: URL | string, opts: { userAgent?: string } = {}): Promise<URL> {
  const ua: Record<string, string> = opts.userAgent ? { 'user-agent': opts.userAgent } : {};
  const res = await fetch(authorizationUrl, { redirect: 'manual', headers: { accept: 'text/html', ...ua } });
  const consentPath = res.headers.get('location');
  if (res.status !== 303 || !consentPath?.startsWith('/consent?')) throw new Error(`authorize did not go to the consent page: ${res.status} ${consentPath}`);
  const page = await fetch(issuer + consentPath, { headers: { accept: 'text/html', ...ua } });
  const html = await page.text();
  const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
  const form = new URLSearchParams();
  form.set('interaction', /name="interaction" value="([^"]+)"/.exec(html)![1]!);
  form.set('csrf', /name="csrf" value="([^"]+)"/.exec(html)![1]!);
  for (const m of html.matchAll(/name="scope" value="([^"]+)" checked/g)) form.append('scope', m[1]!);
  form.set('action', 'approve');
  const decided = await fetch(`${issuer}/consent`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie, origin: issuer, ...ua }, body: form });
  const back = decided.headers.get('location');
  if (decided.status !== 303 || !back) throw new Error(`the consent decision did not redirect: ${decided.status} ${await decided.text()}`);
  return new URL(back);
}
