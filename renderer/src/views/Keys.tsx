/** Signing keys: the public halves (the JWKS), and rotation. */
import { useState } from 'react';
import type { KeyView, SigningAlg } from '../../../server/contracts';
import { api } from '../api/admin';
import { IconKey, IconRefresh } from '../components/icons';
import { DataTable, ListPage } from '../components/list';
import { DateCell } from '../components/time';
import { useToast } from '../components/toast';
import { Badge, Button, CodeBlock, Confirm, CopyButton, EmptyState, Json, Modal } from '../components/ui';
import { localDate, relative } from '../lib/time';
import { useCatalog } from '../state/catalog';

export default function KeysView() {
  const { keys, issuer, loaded } = useCatalog();
  const toast = useToast();
  const [rotate, setRotate] = useState<SigningAlg | null>(null);
  const [show, setShow] = useState<KeyView | null>(null);
  const jwksUrl = `${issuer}/.well-known/jwks.json`;
  return (
    <ListPage
      title="Signing keys"
      description={
        <>
          Tokens are signed with the current key of their algorithm; MCP servers verify them offline against the JWKS at <span className="mono">{jwksUrl}</span>. A rotated key stays published until the last token it signed expires.
        </>
      }
      actions={
        <>
          <CopyButton text={jwksUrl} label="Copy JWKS URL" showText size="md" />
          <Button icon={<IconRefresh />} onClick={() => setRotate('ES256')}>
            Rotate ES256
          </Button>
          <Button icon={<IconRefresh />} onClick={() => setRotate('RS256')}>
            Rotate RS256
          </Button>
        </>
      }
      isEmpty={loaded && keys.length === 0}
      empty={
        <EmptyState icon={<IconKey />} title="No keys yet">
          <p>The server creates a key for its default algorithm at start. Rotate to create one now.</p>
        </EmptyState>
      }
      table={
        <DataTable columns={['kid', 'Algorithm', 'Status', 'Created', 'Leaves the JWKS']} actions rows={keys} rowKey={(k) => k.kid}>
          {(k) => (
            <>
              <td className="mono primary-cell">{k.kid}</td>
              <td>{k.alg}</td>
              <td>{k.status === 'current' ? <Badge tone="green" dot>current</Badge> : <Badge>previous</Badge>}</td>
              <DateCell at={k.created_at} />
              <td className="muted small">{k.retire_after ? `${localDate(Date.parse(k.retire_after))} (${relative(Date.parse(k.retire_after))})` : '—'}</td>
              <td className="actions-cell">
                <Button size="sm" variant="ghost" onClick={() => setShow(k)} aria-label={`Show public key ${k.kid}`}>
                  Public JWK
                </Button>
              </td>
            </>
          )}
        </DataTable>
      }
    >
      <Modal open={!!show} onClose={() => setShow(null)} wide title={`Public key ${show?.kid ?? ''}`} description="The private half never leaves the data directory.">
        {show && (
          <CodeBlock label="public JWK" copy={JSON.stringify(show.public_jwk, null, 2)}>
            <Json value={show.public_jwk} />
          </CodeBlock>
        )}
      </Modal>
      <Confirm
        open={!!rotate}
        title={`Rotate the ${rotate} signing key?`}
        body={<p>New {rotate} tokens are signed with a fresh key. Tokens signed with the old one keep verifying: it stays in the JWKS until they expire. MCP servers that cache the JWKS pick the new key up on their next refresh.</p>}
        confirm="Rotate key"
        onClose={() => setRotate(null)}
        onConfirm={async () => {
          const k = await api.rotateKey(rotate!);
          toast({ kind: 'success', title: `New ${k.alg} key`, detail: k.kid });
        }}
      />
    </ListPage>
  );
}
