/**
 * JWT decoder: paste any JWT; see header and payload with readable dates, the signature
 * verified against AuthPlane's JWKS (or a pasted JWK/JWKS), and every check explained.
 */
import { useEffect, useMemo, useState } from 'react';
import type { JSONWebKeySet } from 'jose';
import { api } from '../api/admin';
import { useLoad, useNow } from '../api/hooks';
import { DECODER_HANDOFF } from '../components/palette';
import { IconAlert, IconCheck, IconInfo, IconKeyRound, IconX } from '../components/icons';
import { Button, CodeBlock, EmptyState, Field, Json, PageHeader, Segmented } from '../components/ui';
import { DiffView } from '../components/diff';
import { checkJwt, decodeJwt, matchAudience, verdict, type Check, type SignatureResult } from '../lib/jwt';
import { localDate, relative } from '../lib/time';
import type { Route } from '../lib/router';
import { verifySignature } from '../lib/verify';
import { useCatalog } from '../state/catalog';
import { TestTokenPanel } from './TestTokenPanel';
import { ActChain } from './ActChain';
import { readAct } from '../../../server/contracts/act';

function CheckIcon({ status }: { status: Check['status'] }) {
  return <span className="ci">{status === 'pass' ? <IconCheck /> : status === 'fail' ? <IconX /> : status === 'warn' ? <IconAlert /> : <IconInfo />}</span>;
}

const STATUS_WORD: Record<Check['status'], string> = { pass: 'Passed', fail: 'Failed', warn: 'Warning', info: 'Info' };

export default function DecoderView(_props: { route: Route }) {
  const { issuer, resources, clients, users, keys } = useCatalog();
  const now = useNow(1000);
  const [text, setText] = useState(() => {
    const t = sessionStorage.getItem(DECODER_HANDOFF) ?? '';
    sessionStorage.removeItem(DECODER_HANDOFF);
    return t;
  });
  const [keySource, setKeySource] = useState<'jwks' | 'pasted'>('jwks');
  const [keyText, setKeyText] = useState('');
  const [tab, setTab] = useState<'payload' | 'header'>('payload');
  const jwks = useLoad(() => api.jwks(), [], ['key.rotated']);
  const decoded = useMemo(() => (text.trim() ? decodeJwt(text) : undefined), [text]);
  const [sig, setSig] = useState<SignatureResult>({ status: 'pending' });

  useEffect(() => {
    if (!decoded?.ok) return;
    let alive = true;
    if (keySource === 'pasted' && !keyText.trim()) {
      setSig({ status: 'skipped', reason: 'Paste a JWK or JWKS to verify the signature with it.' });
      return;
    }
    if (keySource === 'jwks' && !jwks.data) {
      setSig(jwks.error ? { status: 'skipped', reason: `Could not load the JWKS: ${jwks.error.message}` } : { status: 'pending' });
      return;
    }
    setSig({ status: 'pending' });
    const key = keySource === 'jwks' ? { kind: 'jwks' as const, jwks: jwks.data as unknown as JSONWebKeySet, keyStatus: (kid: string) => keys.find((k) => k.kid === kid)?.status } : { kind: 'pasted' as const, text: keyText };
    verifySignature(decoded.jwt.raw, decoded.jwt.header, key).then((r) => alive && setSig(r));
    return () => {
      alive = false;
    };
  }, [decoded, keySource, keyText, jwks.data, jwks.error, keys]);

  // Problems first: the reason a token is rejected should be the first thing read.
  const ORDER = { fail: 0, warn: 1, pass: 2, info: 3 } as const;
  const checks = decoded?.ok ? checkJwt(decoded.jwt, { issuer, resources, clients, users, now, signature: sig }).sort((a, b) => ORDER[a.status] - ORDER[b.status]) : [];
  const v = decoded?.ok ? verdict(checks) : undefined;
  const matched = decoded?.ok ? matchAudience(decoded.jwt.payload.aud, resources) : undefined;
  const act = decoded?.ok ? readAct(decoded.jwt.payload.act) : undefined;

  const notes: Record<string, string> = {};
  if (decoded?.ok) {
    const p = decoded.jwt.payload;
    for (const k of ['iat', 'nbf', 'exp', 'auth_time']) if (typeof p[k] === 'number') notes[k] = `${localDate((p[k] as number) * 1000)}, ${relative((p[k] as number) * 1000, now)}`;
    if (matched) notes.aud = `resource ${matched.slug}`;
    const c = clients.find((x) => x.client_id === p.client_id);
    if (c) notes.client_id = c.client_name;
  }

  const parts = decoded?.ok ? decoded.jwt.raw.split('.') : [];
  return (
    <div className="page">
      <PageHeader title="JWT decoder" description="Paste an access token to see what it says and whether an MCP server protected by AuthPlane will accept it. Nothing leaves this window: decoding and verification run here." />
      <div className="page-body">
        <div className="decoder">
          <div className="stack">
            <Field label="Token" hint="A JWT (three base64url parts). “Bearer …” is fine too.">
              {(id, d) => (
                <textarea
                  id={id}
                  aria-describedby={d}
                  className="textarea token"
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIs…"
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  aria-invalid={decoded && !decoded.ok ? true : undefined}
                />
              )}
            </Field>
            {decoded?.ok && (
              <div className="jwt-raw card card-body" aria-label="Token parts">
                <span className="jwt-h">{parts[0]}</span>
                <span className="jwt-dot">.</span>
                <span className="jwt-p">{parts[1]}</span>
                <span className="jwt-dot">.</span>
                <span className="jwt-s">{parts[2]}</span>
              </div>
            )}
            <div className="field">
              <span className="field-label" id="keysrc">
                Verify the signature with
              </span>
              <Segmented
                label="Verify the signature with"
                value={keySource}
                onChange={setKeySource}
                options={[
                  { value: 'jwks', label: "AuthPlane's JWKS" },
                  { value: 'pasted', label: 'A JWK or JWKS I paste' },
                ]}
              />
              {keySource === 'jwks' ? (
                <div className="hint">
                  {jwks.data ? `${jwks.data.keys.length} key${jwks.data.keys.length === 1 ? '' : 's'} from ${issuer}/.well-known/jwks.json` : jwks.error ? jwks.error.message : 'Loading the JWKS…'}
                </div>
              ) : (
                <textarea className="textarea mono" aria-label="JWK or JWKS" spellCheck={false} placeholder='{"keys":[{"kty":"EC","crv":"P-256","x":"…","y":"…","kid":"…"}]}' value={keyText} onChange={(e) => setKeyText(e.target.value)} />
              )}
            </div>
            <TestTokenPanel resources={resources} onMinted={setText} />
          </div>

          <div className="stack">
            {!decoded ? (
              <div className="card">
                <EmptyState icon={<IconKeyRound />} title="Paste a token to inspect it">
                  <p>Copy an access token from your MCP client's logs or the Authorization header it sends. You will see its claims with local dates and each check an MCP server makes, explained.</p>
                </EmptyState>
              </div>
            ) : !decoded.ok ? (
              <div className="verdict fail" role="alert">
                <span className="verdict-icon">
                  <IconX />
                </span>
                <div>
                  <h2>Not a decodable JWT</h2>
                  <p className="muted">{decoded.error}</p>
                </div>
              </div>
            ) : (
              <>
                <div className={`verdict ${v!.status === 'info' ? 'pass' : v!.status}`} role="status" aria-live="polite">
                  <span className="verdict-icon">{v!.status === 'pass' ? <IconCheck /> : v!.status === 'fail' ? <IconX /> : <IconAlert />}</span>
                  <div>
                    <h2>{v!.status === 'pass' ? 'Valid token' : v!.status === 'fail' ? 'This token will be rejected' : 'Valid, with warnings'}</h2>
                    <p className="muted">{v!.text}</p>
                  </div>
                </div>
                <section className="card" aria-labelledby="checks-title">
                  <div className="card-head">
                    <h2 id="checks-title">Checks</h2>
                    <span className="sub">what a verifying MCP server looks at</span>
                  </div>
                  <ul className="checks" aria-label="Checks">
                    {checks.map((c) => (
                      <li key={c.id} className={c.status} data-check={c.id}>
                        <CheckIcon status={c.status} />
                        <div>
                          <div className="ct">
                            <span className="sr-only">{STATUS_WORD[c.status]}: </span>
                            {c.title}
                          </div>
                          <div className="cd">{c.detail}</div>
                          {c.diff && <DiffView d={c.diff} />}
                        </div>
                      </li>
                    ))}
                  </ul>
                </section>
                {act && (
                  <section className="card" aria-labelledby="act-title">
                    <div className="card-head">
                      <h2 id="act-title">Delegation chain (act)</h2>
                      <span className="sub">a token exchanged by a gateway (RFC 8693), step by step</span>
                    </div>
                    <div className="card-body">
                      <ActChain act={act} sub={decoded.jwt.payload.sub} clients={clients} resources={resources} />
                    </div>
                  </section>
                )}
                <section className="card" aria-label="Decoded token">
                  <div className="tabs" role="tablist" aria-label="Token part">
                    {(['payload', 'header'] as const).map((t) => (
                      <button key={t} role="tab" id={`tab-${t}`} aria-controls={`panel-${t}`} aria-selected={tab === t} tabIndex={tab === t ? 0 : -1} onClick={() => setTab(t)} onKeyDown={(e) => (e.key === 'ArrowRight' || e.key === 'ArrowLeft') && setTab(tab === 'payload' ? 'header' : 'payload')}>
                        {t === 'payload' ? 'Payload' : 'Header'}
                      </button>
                    ))}
                    <span className="spacer" />
                  </div>
                  <div className="card-body" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
                    <CodeBlock label={tab} copy={JSON.stringify(tab === 'payload' ? decoded.jwt.payload : decoded.jwt.header, null, 2)}>
                      <Json value={tab === 'payload' ? decoded.jwt.payload : decoded.jwt.header} notes={tab === 'payload' ? notes : undefined} />
                    </CodeBlock>
                  </div>
                </section>
                <div className="row">
                  <Button variant="ghost" size="sm" onClick={() => setText('')}>
                    Clear
                  </Button>
                </div>
              </>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}
