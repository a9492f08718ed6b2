/** Masking a recorded step: every secret wherever it appears, found where the protocol puts it. */
import { describe, expect, it } from 'vitest';
import { MASK, type FlowStep } from '../../server/contracts/flows';
import { maskExchange, maskStep } from '../../server/flows/mask';

const secret = 'S3cr3t+/with spaces&more';
const basic = Buffer.from(`my-agent:${encodeURIComponent(secret)}`).toString('base64');

function step(over: Partial<FlowStep['exchange']['request']>, response: Partial<FlowStep['exchange']['response']> = {}): FlowStep {
  return {
    id: 's1',
    at: '2026-12-03T09:00:00.000Z',
    endpoint: 'token',
    method: 'POST',
    url: over.url ?? '/oauth/token',
    status: 200,
    duration_ms: 1,
    ok: true,
    exchange: {
      request: { method: 'POST', url: '/oauth/token', headers: [], body: null, ...over },
      response: { status: 200, headers: [], body: null, ...response },
    },
  };
}

describe('maskStep', () => {
  it('masks a client secret sent with Basic (form-urlencoded inside base64) in the header and wherever it is echoed', () => {
    const s = step({ headers: [{ name: 'Authorization', value: `Basic ${basic}` }], body: { mime_type: 'application/x-www-form-urlencoded', text: 'grant_type=client_credentials', size: 29, truncated: false } }, { body: { mime_type: 'text/plain', text: `echo ${secret}`, size: 1, truncated: false } });
    const text = JSON.stringify(maskStep(s));
    expect(text).not.toContain(basic);
    expect(text).not.toContain(secret);
    expect(maskStep(s).exchange.request.headers[0]!.value).toBe(`Basic ${basic.slice(0, 4)}${MASK}`);
  });

  it('finds tokens in a capped JSON body that no longer parses, and cookies in Cookie and Set-Cookie', () => {
    const rt = 'rt_0123456789abcdefghij';
    const s = step(
      { headers: [{ name: 'cookie', value: 'ap_ui=uisession123456; other=cookievalue99' }] },
      { headers: [{ name: 'set-cookie', value: 'ap_consent_x=consentcookie42; Path=/consent; HttpOnly' }], body: { mime_type: 'application/json', text: `{"access_token":"eyJhbGciOi.x.y","refresh_token":"${rt}","scope":"read wr`, size: 9999, truncated: true } },
    );
    const text = JSON.stringify(maskStep(s));
    for (const x of [rt, 'eyJhbGciOi.x.y', 'uisession123456', 'cookievalue99', 'consentcookie42']) expect(text).not.toContain(x);
    expect(maskStep(s).exchange.response.body!.text).toBe(`{"access_token":"eyJh${MASK}","refresh_token":"rt_0${MASK}","scope":"read wr`);
  });

  it('leaves a step without secrets as it is', () => {
    const s = step({ url: '/oauth/authorize?client_id=a&state=xyz', method: 'GET' });
    expect(maskStep(s)).toBe(s);
  });

  it('masks the URL and error description the step repeats from its exchange', () => {
    const s = { ...step({ url: '/oauth/authorize?code=abcdef123456&state=x', method: 'GET' }), status: 400, ok: false, error_description: 'code abcdef123456 was already used' };
    const m = maskStep(s);
    expect(m.url).toBe(`/oauth/authorize?code=abcd${MASK}&state=x`);
    expect(m.error_description).toBe(`code abcd${MASK} was already used`);
  });
});

describe('maskExchange', () => {
  it('masks an exchange outside any flow (a doctor round trip) like a step\'s, and leaves one without secrets as it is', () => {
    const s = step({ headers: [{ name: 'Authorization', value: 'Bearer tok_0123456789' }] }, { body: { mime_type: 'application/json', text: '{"seen":"tok_0123456789"}', size: 25, truncated: false } });
    expect(maskExchange(s.exchange)).toEqual(maskStep(s).exchange);
    expect(JSON.stringify(maskExchange(s.exchange))).not.toContain('tok_0123456789');
    const clean = step({ url: '/mcp', method: 'GET' }).exchange;
    expect(maskExchange(clean)).toBe(clean);
  });
});
