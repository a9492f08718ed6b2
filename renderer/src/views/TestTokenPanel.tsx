/**
 * The decoder's "Mint a test token" panel: POST /admin/api/tokens with the chosen defects. The
 * minted token goes straight into the decoder (so its claims and checks show next to it) and
 * can be copied. Test tokens are not grants: they never appear in Issuances.
 */
import { useState } from 'react';
import type { MintTokenInput, MintTokenResult, Resource } from '../../../server/contracts';
import { api } from '../api/admin';
import { TextField } from '../components/form';
import { Button, CopyButton, ErrorNote, Field, Segmented } from '../components/ui';

type Validity = 'valid' | 'expired' | 'not_yet';

/** The claims textarea as an object; blank is none. */
function parseClaims(text: string): { claims?: Record<string, unknown>; error?: string } {
  if (!text.trim()) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return { claims: v as Record<string, unknown> };
  } catch {
    // Reported below.
  }
  return { error: 'Enter a JSON object, for example {"tenant": "acme"}.' };
}

export function TestTokenPanel({ resources, onMinted }: { resources: Resource[]; onMinted: (token: string) => void }) {
  const [resource, setResource] = useState('');
  const [validity, setValidity] = useState<Validity>('valid');
  const [aud, setAud] = useState('');
  const [scope, setScope] = useState('');
  const [sub, setSub] = useState('');
  const [claimsText, setClaimsText] = useState('');
  const [unknownKey, setUnknownKey] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [minted, setMinted] = useState<MintTokenResult>();
  const slug = resource || resources[0]?.slug || '';
  const chosen = resources.find((r) => r.slug === slug);
  const claims = parseClaims(claimsText);

  const mint = async () => {
    if (claims.error) return;
    const input: MintTokenInput = { resource: slug, ...(validity === 'expired' ? { expired: true } : validity === 'not_yet' ? { not_before: 3600 } : {}) };
    if (aud.trim()) input.aud = aud.trim();
    if (scope.trim()) input.scope = scope.trim();
    if (sub.trim()) input.sub = sub.trim();
    if (claims.claims) input.claims = claims.claims;
    if (unknownKey) input.unknown_key = true;
    setBusy(true);
    setError(undefined);
    try {
      const m = await api.mintToken(input);
      setMinted(m);
      onMinted(m.access_token);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  if (!resources.length) return null;
  return (
    <section className="card" aria-labelledby="mint-title">
      <div className="card-head">
        <h2 id="mint-title">Mint a test token</h2>
        <span className="sub">signed by AuthPlane; not a grant, never in Issuances</span>
      </div>
      <div className="card-body stack">
        <Field label="Resource">
          {(id, d) => (
            <select id={id} aria-describedby={d} className="select" value={slug} onChange={(e) => setResource(e.target.value)}>
              {resources.map((r) => (
                <option key={r.slug} value={r.slug}>
                  {r.display_name ?? r.slug} ({r.uri})
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field">
          <span className="field-label">Validity</span>
          <Segmented
            label="Validity"
            value={validity}
            onChange={setValidity}
            options={[
              { value: 'valid', label: 'Valid now' },
              { value: 'expired', label: 'Expired' },
              { value: 'not_yet', label: 'Not yet valid' },
            ]}
          />
        </div>
        <TextField label="Audience" hint="Blank for the resource URI; another URI for a token minted for another MCP server." mono placeholder={chosen?.uri} value={aud} onChange={(e) => setAud(e.target.value)} />
        <TextField label="Scopes" hint="Space-separated; blank for every scope of the resource." mono placeholder={chosen?.scopes.map((x) => x.name).join(' ')} value={scope} onChange={(e) => setScope(e.target.value)} />
        <TextField label="Subject" hint="Blank for the default user." mono value={sub} onChange={(e) => setSub(e.target.value)} />
        <Field label="Custom claims" hint="A JSON object added to the payload." error={claims.error}>
          {(id, d) => <textarea id={id} aria-describedby={d} aria-invalid={!!claims.error} className="textarea mono" spellCheck={false} placeholder='{"tenant": "acme"}' value={claimsText} onChange={(e) => setClaimsText(e.target.value)} />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={unknownKey} onChange={(e) => setUnknownKey(e.target.checked)} />
          <span className="check-text">
            <span>Sign with a key not in the JWKS</span>
            <small>A fresh key, never published or stored: tests unknown-kid handling.</small>
          </span>
        </label>
        {error && <ErrorNote error={error} />}
        <div className="row">
          <Button variant="primary" busy={busy} disabled={!!claims.error} onClick={mint}>
            Mint token
          </Button>
          {minted && <CopyButton text={minted.access_token} label="Copy token" showText />}
        </div>
      </div>
    </section>
  );
}
