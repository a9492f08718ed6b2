/** ⌘K / Ctrl+K: jump anywhere, find a token by jti, decode a pasted JWT. */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { NAV } from '../nav';
import { itemPath, navigate } from '../lib/router';
import { useCatalog } from '../state/catalog';
import { IconBot, IconKeyRound, IconSearch, IconServer } from './icons';

interface Item {
  id: string;
  label: string;
  hint?: string;
  icon: ReactNode;
  run: () => void;
}

export const DECODER_HANDOFF = 'authplane.decoder.token';

export function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [q, setQ] = useState('');
  const [sel, setSel] = useState(0);
  const { resources, clients } = useCatalog();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setQ('');
      setSel(0);
      d.showModal();
    }
    if (!open && d.open) d.close();
  }, [open]);

  const items = useMemo<Item[]>(() => {
    const term = q.trim();
    const lower = term.toLowerCase();
    const out: Item[] = [];
    if (term.split('.').length === 3 && term.length > 40) {
      out.push({
        id: 'decode',
        label: 'Decode this JWT',
        hint: 'Decoder',
        icon: <IconKeyRound />,
        run: () => {
          sessionStorage.setItem(DECODER_HANDOFF, term);
          navigate('/decoder');
        },
      });
    }
    for (const n of NAV) if (!lower || n.label.toLowerCase().includes(lower)) out.push({ id: n.path, label: n.label, hint: 'Go to', icon: n.icon, run: () => navigate(n.path) });
    for (const r of resources)
      if (lower && (r.slug.includes(lower) || r.display_name.toLowerCase().includes(lower) || r.uri.toLowerCase().includes(lower)))
        out.push({ id: `r:${r.slug}`, label: r.display_name, hint: r.uri, icon: <IconServer />, run: () => navigate(itemPath('resources', r.slug)) });
    for (const c of clients)
      if (lower && (c.client_id.toLowerCase().includes(lower) || c.client_name.toLowerCase().includes(lower)))
        out.push({ id: `c:${c.client_id}`, label: c.client_name, hint: c.client_id, icon: <IconBot />, run: () => navigate(itemPath('clients', c.client_id)) });
    if (term && !term.includes(' ') && term.length >= 4 && term.split('.').length !== 3)
      out.push({ id: 'jti', label: `Find token with jti “${term}”`, hint: 'Issuance log', icon: <IconSearch />, run: () => navigate('/issuances', { jti: term }) });
    return out.slice(0, 30);
  }, [q, resources, clients]);

  useEffect(() => setSel(0), [q]);
  const run = (i: Item | undefined) => {
    if (!i) return;
    onClose();
    i.run();
  };
  return (
    <dialog
      ref={ref}
      className="palette"
      aria-label="Command palette"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
    >
      {open && (
        <>
          <input
            className="palette-input"
            autoFocus
            placeholder="Jump to a page, a resource or a client; paste a jti or a JWT…"
            aria-label="Search"
            role="combobox"
            aria-expanded="true"
            aria-controls="palette-list"
            aria-activedescendant={items[sel] ? `pal-${sel}` : undefined}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                setSel((s) => Math.min(s + 1, items.length - 1));
              } else if (e.key === 'ArrowUp') {
                e.preventDefault();
                setSel((s) => Math.max(s - 1, 0));
              } else if (e.key === 'Enter') {
                e.preventDefault();
                run(items[sel]);
              }
            }}
          />
          <ul className="palette-list" role="listbox" id="palette-list" aria-label="Results">
            {items.map((it, i) => (
              <li key={it.id} id={`pal-${i}`} role="option" aria-selected={i === sel} onMouseMove={() => setSel(i)} onClick={() => run(it)}>
                {it.icon}
                <span className="truncate">{it.label}</span>
                {it.hint && <span className="hint truncate">{it.hint}</span>}
              </li>
            ))}
            {items.length === 0 && <li aria-disabled="true">No matches</li>}
          </ul>
          <div className="palette-foot" aria-hidden="true">
            <span>
              <kbd>↑</kbd> <kbd>↓</kbd> move
            </span>
            <span>
              <kbd>↵</kbd> open
            </span>
            <span>
              <kbd>esc</kbd> close
            </span>
          </div>
        </>
      )}
    </dialog>
  );
}
