/** One row of the issuance log's grid: the token's state, who got it, for what, until when. */
import { memo } from 'react';
import { issuanceState } from '../../../server/contracts';
import type { IssuanceRow } from '../api/admin';
import { GridRow } from '../components/grid';
import { TimeCell } from '../components/time';
import { localDate, relative } from '../lib/time';

const GRANT_LABEL: Record<string, string> = { authorization_code: 'auth code', refresh_token: 'refresh', client_credentials: 'client creds', 'urn:ietf:params:oauth:grant-type:token-exchange': 'exchange' };

export const IssuanceGridRow = memo(function IssuanceGridRow(props: {
  row: IssuanceRow;
  index: number;
  start: number;
  selected: boolean;
  fresh: boolean;
  now: number;
  clientName?: string;
  resourceName?: string;
  onOpen: (i: number) => void;
}) {
  const { row: r } = props;
  const st = issuanceState(r, props.now);
  const exp = Date.parse(r.expires_at);
  return (
    <GridRow id={`iss-${r.jti}`} className={props.fresh ? 'fresh' : undefined} index={props.index} start={props.start} selected={props.selected} onClick={() => props.onOpen(props.index)}>
      <span role="gridcell" className={`state ${st}`}>
        <span className="dot" aria-hidden="true" />
        {st}
      </span>
      <TimeCell at={r.issued_at} now={props.now} />
      <span role="gridcell" className="strong" title={r.client_id}>
        {props.clientName ?? r.client_id}
      </span>
      <span role="gridcell">{r.sub}</span>
      <span role="gridcell" title={r.aud}>
        {props.resourceName ?? r.resource}
      </span>
      <span role="gridcell" className="mono" title={r.scope}>
        {r.scope || '—'}
      </span>
      <span role="gridcell" className="grant">
        {GRANT_LABEL[r.grant] ?? r.grant}
      </span>
      <span role="gridcell" title={localDate(exp)}>
        {st === 'revoked' ? '—' : relative(exp, props.now)}
      </span>
      <span role="gridcell" className="mono faint" title={r.jti}>
        {r.jti}
      </span>
    </GridRow>
  );
});
