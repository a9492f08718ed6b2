/** UI primitives: buttons, fields, badges, dialogs, empty states, code. Accessible names everywhere. */
import { useEffect, useId, useRef, useState, type ButtonHTMLAttributes, type ReactNode } from 'react';
import { IconCheck, IconCopy, IconX } from './icons';

type BtnProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'primary' | 'secondary' | 'ghost' | 'danger' | 'danger-solid';
  size?: 'sm' | 'md' | 'lg';
  icon?: ReactNode;
  /** Icon-only button: the accessible name (also the tooltip). */
  label?: string;
  busy?: boolean;
};

export function Button({ variant = 'secondary', size = 'md', icon, label, busy, className, children, ...rest }: BtnProps) {
  const cls = ['btn', variant !== 'secondary' && variant, size !== 'md' && size, !children && 'icon', className].filter(Boolean).join(' ');
  return (
    <button type="button" className={cls} aria-label={label} title={label} aria-busy={busy || undefined} {...rest} disabled={rest.disabled || busy}>
      {busy ? <span className="spinner" aria-hidden="true" /> : icon}
      {children}
    </button>
  );
}

export function Badge({ tone, mono, dot, children, title }: { tone?: 'green' | 'red' | 'amber' | 'blue' | 'accent' | 'outline'; mono?: boolean; dot?: boolean; children: ReactNode; title?: string }) {
  return (
    <span className={['badge', tone, mono && 'mono'].filter(Boolean).join(' ')} title={title}>
      {dot && <span className="dot" aria-hidden="true" />}
      {children}
    </span>
  );
}

export function Field(props: { label: string; hint?: ReactNode; error?: string; children: (id: string, describedBy: string | undefined) => ReactNode; className?: string }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [props.hint ? hintId : '', props.error ? errId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', props.className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.hint && !props.error && (
        <div className="hint" id={hintId}>
          {props.hint}
        </div>
      )}
      {props.error && (
        <div className="error" id={errId} role="alert">
          {props.error}
        </div>
      )}
    </div>
  );
}

export function EmptyState(props: { icon: ReactNode; title: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon">{props.icon}</div>
      <h2>{props.title}</h2>
      {props.children}
      {props.actions && <div className="empty-actions">{props.actions}</div>}
    </div>
  );
}

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="center-screen" role="status" aria-live="polite">
      <div className="spinner" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </div>
  );
}

export function CopyButton({ text, label = 'Copy', size = 'sm', showText }: { text: string; label?: string; size?: 'sm' | 'md'; showText?: boolean }) {
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(() => setDone(false), 1400);
    return () => clearTimeout(t);
  }, [done]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API unavailable (insecure context): fall back to a hidden textarea.
      const ta = document.createElement('textarea');
      ta.value = text;
      ta.setAttribute('readonly', '');
      ta.className = 'sr-only';
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    setDone(true);
  };
  return (
    <Button size={size} variant={showText ? 'secondary' : 'ghost'} icon={done ? <IconCheck /> : <IconCopy />} label={showText ? undefined : done ? 'Copied' : label} onClick={copy}>
      {showText ? (done ? 'Copied' : label) : null}
    </Button>
  );
}

/** JSON with light syntax colouring (spans + classes: no inline styles). */
export function Json({ value, notes }: { value: unknown; notes?: Record<string, string> }) {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  const out: ReactNode[] = [];
  const re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([{}[\],])/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let k = 0;
  let pendingKey: string | undefined;
  while ((m = re.exec(text))) {
    if (m.index > last) {
      const gap = text.slice(last, m.index);
      if (pendingKey && notes?.[pendingKey] && gap.includes('\n')) {
        const i = gap.indexOf('\n');
        out.push(gap.slice(0, i), <span key={k++} className="j-note">{`  // ${notes[pendingKey]}`}</span>, gap.slice(i));
        pendingKey = undefined;
      } else out.push(gap);
    }
    if (m[1] && m[2]) {
      out.push(<span key={k++} className="j-key">{m[1]}</span>, <span key={k++} className="j-punct">{m[2]}</span>);
      pendingKey = JSON.parse(m[1]) as string;
    } else if (m[1]) out.push(<span key={k++} className="j-str">{m[1]}</span>);
    else if (m[3]) out.push(<span key={k++} className="j-lit">{m[3]}</span>);
    else if (m[4]) out.push(<span key={k++} className="j-num">{m[4]}</span>);
    else if (m[5]) out.push(<span key={k++} className="j-punct">{m[5]}</span>);
    last = re.lastIndex;
  }
  out.push(text.slice(last));
  return <>{out}</>;
}

export function CodeBlock({ children, copy, label, wrap }: { children: ReactNode; copy?: string; label?: string; wrap?: boolean }) {
  return (
    <pre className={['code', wrap && 'wrap'].filter(Boolean).join(' ')} aria-label={label} tabIndex={0}>
      {copy !== undefined && (
        <span className="copy-float">
          <CopyButton text={copy} label={label ? `Copy ${label}` : 'Copy'} />
        </span>
      )}
      {children}
    </pre>
  );
}

/** Native modal <dialog>: focus is trapped, Escape closes, the backdrop click closes. */
export function Modal(props: { open: boolean; onClose: () => void; title: string; description?: ReactNode; children: ReactNode; footer?: ReactNode; wide?: boolean; kind?: 'modal' | 'drawer' }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  const kind = props.kind ?? 'modal';
  return (
    <dialog
      ref={ref}
      className={[kind, props.wide && 'wide'].filter(Boolean).join(' ')}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) props.onClose();
      }}
    >
      {props.open && (
        <>
          <div className={kind === 'drawer' ? 'drawer-head' : 'modal-head'}>
            <div className="stack sm">
              <h2 id={titleId}>{props.title}</h2>
              {props.description && <div className="muted small">{props.description}</div>}
            </div>
            <Button variant="ghost" size="sm" className="close" icon={<IconX />} label="Close" onClick={props.onClose} />
          </div>
          <div className={kind === 'drawer' ? 'drawer-body' : 'modal-body'}>{props.children}</div>
          {props.footer && <div className={kind === 'drawer' ? 'drawer-foot' : 'modal-foot'}>{props.footer}</div>}
        </>
      )}
    </dialog>
  );
}

export function Confirm(props: { open: boolean; title: string; body: ReactNode; confirm: string; danger?: boolean; onConfirm: () => Promise<void> | void; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string>();
  useEffect(() => {
    if (props.open) setErr(undefined);
  }, [props.open]);
  return (
    <Modal
      open={props.open}
      onClose={props.onClose}
      title={props.title}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            variant={props.danger ? 'danger-solid' : 'primary'}
            busy={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await props.onConfirm();
                props.onClose();
              } catch (e) {
                setErr((e as Error).message);
              } finally {
                setBusy(false);
              }
            }}
          >
            {props.confirm}
          </Button>
        </>
      }
    >
      <div className="stack sm">
        <div className="text-2">{props.body}</div>
        {err && <div className="form-error" role="alert">{err}</div>}
      </div>
    </Modal>
  );
}

/** One choice of a few, as radio buttons; options with an `icon` show only it (the label names it and is its tooltip). */
export function Segmented<T extends string>(props: { label: string; value: T; options: Array<{ value: T; label: string; icon?: ReactNode }>; onChange: (v: T) => void; className?: string }) {
  return (
    <div className={['segmented', props.className].filter(Boolean).join(' ')} role="radiogroup" aria-label={props.label}>
      {props.options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={props.value === o.value}
          aria-label={o.icon ? o.label : undefined}
          title={o.icon ? o.label : undefined}
          tabIndex={props.value === o.value ? 0 : -1}
          onClick={() => props.onChange(o.value)}
          onKeyDown={(e) => {
            const i = props.options.findIndex((x) => x.value === props.value);
            const d = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
            if (!d) return;
            e.preventDefault();
            const next = props.options[(i + d + props.options.length) % props.options.length]!;
            props.onChange(next.value);
            const group = e.currentTarget.parentElement;
            requestAnimationFrame(() => group?.querySelector<HTMLButtonElement>('[aria-checked="true"]')?.focus());
          }}
        >
          {o.icon ?? o.label}
        </button>
      ))}
    </div>
  );
}

export function PageHeader(props: { title: string; description?: ReactNode; actions?: ReactNode; crumbs?: ReactNode }) {
  return (
    <header className="page-header">
      <div className="stack sm">
        {props.crumbs && <nav className="crumbs" aria-label="Breadcrumb">{props.crumbs}</nav>}
        <h1>{props.title}</h1>
        {props.description && <p className="desc">{props.description}</p>}
      </div>
      {props.actions && <div className="actions">{props.actions}</div>}
    </header>
  );
}

export function ErrorNote({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div className="form-error" role="alert">
      <span>{error.message}</span>
      {retry && (
        <Button size="sm" variant="ghost" onClick={retry}>
          Retry
        </Button>
      )}
    </div>
  );
}
