/** How issuances print as text (commander-free: the fast `issuance list` path uses it too). */
import type { IssuanceRow } from '../admin/ops';
import { actChain } from '../contracts/actChain';
import { keyValues, table } from './output';

export function issuanceTable(rows: IssuanceRow[]): string {
  return table(
    rows,
    [
      ['sub', (r) => r.sub],
      ['client_id', (r) => r.client_id],
      ['scope', (r) => r.scope],
      ['jti', (r) => r.jti],
      ['expires_at', (r) => r.expires_at],
      ['state', (r) => r.state],
      ['resource', (r) => r.resource],
      ['grant', (r) => r.grant],
    ],
    'no issuances found',
  );
}

export function issuanceDetails(r: IssuanceRow): string {
  return keyValues([
    ['jti', r.jti],
    ['state', r.state],
    ['sub', r.sub],
    ['client_id', r.client_id],
    ['resource', r.resource],
    ['aud', r.aud],
    ['scope', r.scope],
    ['grant', r.grant],
    ['family_id', r.family_id],
    // Token exchange: the token it came from, and who acts for the user, current actor first.
    ...(r.parent_jti ? ([['parent_jti', r.parent_jti], ['act', actChain(r.act).join(' <- ')]] as Array<[string, unknown]>) : []),
    ['kid', r.kid],
    ['issued_at', r.issued_at],
    ['expires_at', r.expires_at],
    ['revoked_at', r.revoked_at],
    ['revoked_reason', r.revoked_reason],
  ]);
}
