/** The drawer of one issuance: its state, who and what it was for, the claims AuthPlane signed, revocation. */
import { useState } from 'react';
import { issuanceState } from '../../../server/contracts';
import { api, type IssuanceRow } from '../api/admin';
import { useNow } from '../api/hooks';
import { IconBan, IconFamily } from '../components/icons';
import { useToast } from '../components/toast';
import { Badge, Button, CodeBlock, Confirm, Json, Modal } from '../components/ui';
import { href, itemPath } from '../lib/router';
import { ago, localDate, relative } from '../lib/time';
import { useCatalog } from '../state/catalog';
import { ActChain } from './ActChain';
import { ExchangeLineage } from './ExchangeLineage';

/** The token as AuthPlane signed it (AuthPlane keeps the claims, never the token itself). */
export function reconstructToken(r: IssuanceRow, issuer: string, alg: string | undefined) {
  const iat = Math.floor(Date.parse(r.issued_at) / 1000);
  const header = { alg: alg ?? 'ES256', typ: 'at+jwt', ...(r.kid ? { kid: r.kid } : {}) };
  // The row keeps the audience URI; the token carries it as a one-element array, as the product does.
  // An exchanged token's client_id claim is the gateway resource (act.sub), as the product signs it.
  const payload = { iss: issuer, sub: r.sub, aud: [r.aud], client_id: r.act ? r.act.sub : r.client_id, scope: r.scope, jti: r.jti, iat, nbf: iat, exp: Math.floor(Date.parse(r.expires_at) / 1000), ...(r.act ? { act: r.act } : {}) };
  return { header, payload };
}

export function IssuanceDrawer({ row, onClose }: { row: IssuanceRow | null; onClose: () => void }) {
  const { issuer, keys, clients, resources } = useCatalog();
  const toast = useToast();
  const now = useNow(5000);
  const [confirm, setConfirm] = useState<'token' | 'family' | null>(null);
  const r = row;
  const st = r ? issuanceState(r, now) : 'active';
  const tok = r ? reconstructToken(r, issuer, keys.find((k) => k.kid === r.kid)?.alg) : undefined;
  const client = r ? clients.find((c) => c.client_id === r.client_id) : undefined;
  const resource = r ? resources.find((x) => x.slug === r.resource) : undefined;
  const notes = tok
    ? {
        iat: `${localDate(tok.payload.iat * 1000)} (${ago(tok.payload.iat * 1000, now)})`,
        nbf: localDate(tok.payload.nbf * 1000),
        exp: `${localDate(tok.payload.exp * 1000)} (${relative(tok.payload.exp * 1000, now)})`,
      }
    : undefined;
  return (
    <>
      <Modal
        kind="drawer"
        open={!!r}
        onClose={onClose}
        title="Access token"
        description={r ? <span className="mono">{r.jti}</span> : undefined}
        footer={
          r && (
            <>
              <Button variant="danger" icon={<IconBan />} disabled={!!r.revoked_at} onClick={() => setConfirm('token')}>
                Revoke token
              </Button>
              {r.family_id && (
                <Button variant="danger" icon={<IconFamily />} onClick={() => setConfirm('family')}>
                  Revoke refresh family
                </Button>
              )}
              <span className="spacer" />
              <Button onClick={onClose}>Close</Button>
            </>
          )
        }
      >
        {r && tok && (
          <>
            <div className="row wrap">
              <span className={`badge ${st === 'active' ? 'green' : st === 'revoked' ? 'red' : ''}`}>
                <span className="dot" aria-hidden="true" />
                {st === 'active' ? `Active · expires ${relative(Date.parse(r.expires_at), now)}` : st === 'expired' ? `Expired ${ago(Date.parse(r.expires_at), now)}` : `Revoked ${ago(Date.parse(r.revoked_at!), now)}`}
              </span>
              <Badge tone="outline">{r.grant}</Badge>
            </div>
            <dl className="kv">
              <dt>Client</dt>
              <dd>
                {client ? (
                  <a href={href(itemPath('clients', client.client_id))} onClick={onClose}>
                    {client.client_name}
                  </a>
                ) : (
                  r.client_id
                )}{' '}
                <span className="mono faint">{r.client_id}</span>
              </dd>
              <dt>User</dt>
              <dd className="mono">{r.sub}</dd>
              <dt>Resource</dt>
              <dd>
                {resource ? (
                  <a href={href(itemPath('resources', resource.slug))} onClick={onClose}>
                    {resource.display_name}
                  </a>
                ) : (
                  r.resource
                )}{' '}
                <span className="mono faint">{r.aud}</span>
              </dd>
              <dt>Issued</dt>
              <dd>
                {localDate(Date.parse(r.issued_at))} <span className="muted">({ago(Date.parse(r.issued_at), now)})</span>
              </dd>
              {r.family_id && (
                <>
                  <dt>Refresh family</dt>
                  <dd className="mono">{r.family_id}</dd>
                </>
              )}
              {r.revoked_at && (
                <>
                  <dt>Revoked</dt>
                  <dd>
                    {localDate(Date.parse(r.revoked_at))}
                    {r.revoked_reason ? ` · ${r.revoked_reason}` : ''}
                  </dd>
                </>
              )}
            </dl>
            {r.act && (
              <section aria-labelledby="chain-h">
                <div className="section-title" id="chain-h">
                  Delegation chain (act)
                </div>
                <ActChain act={r.act} sub={r.sub} clients={clients} resources={resources} />
                <ExchangeLineage row={r} />
              </section>
            )}
            <section>
              <div className="section-title">Header</div>
              <CodeBlock label="token header" copy={JSON.stringify(tok.header, null, 2)}>
                <Json value={tok.header} />
              </CodeBlock>
            </section>
            <section>
              <div className="section-title">Payload</div>
              <CodeBlock label="token payload" copy={JSON.stringify(tok.payload, null, 2)}>
                <Json value={tok.payload} notes={notes} />
              </CodeBlock>
              <p className="muted small">AuthPlane stores the claims it signed, never the token itself. Paste the token into the JWT decoder to verify its signature.</p>
            </section>
          </>
        )}
      </Modal>
      <Confirm
        open={confirm === 'token'}
        title="Revoke this access token?"
        body={<p>Introspection will report it inactive at once. MCP servers that verify JWTs offline keep accepting it until it expires {r ? relative(Date.parse(r.expires_at), now) : ''}.</p>}
        confirm="Revoke token"
        danger
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          await api.revokeIssuance(r!.jti);
          toast({ kind: 'success', title: 'Token revoked', detail: r!.jti });
        }}
      />
      <Confirm
        open={confirm === 'family'}
        title="Revoke the whole refresh family?"
        body={<p>The refresh token stops working and every access token minted from it is revoked. The client must start a new authorization.</p>}
        confirm="Revoke family"
        danger
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          await api.revokeFamily(r!.family_id!);
          toast({ kind: 'success', title: 'Refresh family revoked', detail: r!.family_id });
        }}
      />
    </>
  );
}
