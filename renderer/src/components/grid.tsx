/**
 * The virtualized grids (issuance log, activity): ARIA grid markup around rows the view
 * positions itself (@tanstack/react-virtual), and the toolbar's filter selects.
 */
import type { CSSProperties, KeyboardEventHandler, ReactNode, Ref } from 'react';
import type { ClientView } from '../../../server/contracts';

/**
 * role=grid with a header row of `columns`, and a focusable scroll area (`scrollRef`) of
 * `height` px whose keyboard handling is the view's; `activeId` names the selected row.
 */
export function VirtualGrid(props: {
  className: string;
  label: string;
  rowCount: number;
  busy?: boolean;
  columns: string[];
  scrollRef: Ref<HTMLDivElement>;
  rowsLabel: string;
  activeId?: string;
  onKeyDown: KeyboardEventHandler;
  height: number;
  children: ReactNode;
}) {
  return (
    <div className={`vgrid ${props.className}`} role="grid" aria-label={props.label} aria-rowcount={props.rowCount} aria-busy={props.busy}>
      <div className="vgrid-head" role="row" aria-rowindex={1}>
        {props.columns.map((c) => (
          <span key={c} role="columnheader">
            {c}
          </span>
        ))}
      </div>
      <div className="vgrid-scroll" ref={props.scrollRef} tabIndex={0} role="rowgroup" aria-label={props.rowsLabel} aria-activedescendant={props.activeId} onKeyDown={props.onKeyDown}>
        <div className="vgrid-inner" style={{ height: props.height }}>
          {props.children}
        </div>
      </div>
    </div>
  );
}

/** One positioned row of a VirtualGrid: `index` is the data index, `start` its offset in px. */
export function GridRow(props: { id: string; index: number; start: number; selected: boolean; className?: string; onClick: () => void; children: ReactNode }) {
  const style: CSSProperties = { transform: `translateY(${props.start}px)` };
  return (
    <div id={props.id} className={props.className ? `vgrid-row ${props.className}` : 'vgrid-row'} role="row" aria-rowindex={props.index + 2} aria-selected={props.selected} style={style} onClick={props.onClick}>
      {props.children}
    </div>
  );
}

/** A toolbar select: "all" (the empty value) first, then `options`. */
export function FilterSelect(props: { label: string; all: string; value: string; onChange: (value: string) => void; options: Array<{ value: string; label: string }> }) {
  return (
    <select className="select sm" aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      <option value="">{props.all}</option>
      {props.options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** Clients as FilterSelect options: by client_id, shown by name. */
export const clientOptions = (clients: readonly ClientView[]) => clients.map((c) => ({ value: c.client_id, label: c.client_name }));
