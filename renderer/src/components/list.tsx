/** The shell of the list pages (header, empty state or table, dialogs) and parts of their detail pages. */
import type { ReactNode } from 'react';
import { href, navigate } from '../lib/router';
import { IconArrowRight, IconPencil, IconPlus, IconTrash } from './icons';
import { useToast } from './toast';
import { Button, Confirm, EmptyState, ErrorNote, PageHeader } from './ui';

/**
 * A page listing one kind of thing: the header, a load error if any, then `empty` while there is
 * nothing to list, else `table`. `children` are the page's dialogs (forms, confirmations).
 */
export function ListPage(props: { title: string; description: ReactNode; actions?: ReactNode; error?: Error; onRetry?: () => void; isEmpty: boolean; empty: ReactNode; table: ReactNode; children?: ReactNode }) {
  return (
    <div className="page">
      <PageHeader title={props.title} description={props.description} actions={props.actions} />
      <div className="page-body">
        {props.error && <ErrorNote error={props.error} retry={props.onRetry} />}
        {props.isEmpty ? props.empty : props.table}
      </div>
      {props.children}
    </div>
  );
}

/** The primary "New …" / "Register …" button of a list page and its empty state. */
export function NewButton({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <Button variant="primary" icon={<IconPlus />} onClick={onClick}>
      {children}
    </Button>
  );
}

/**
 * A table of `rows`, one `<tr>` each: `children` renders a row's cells. With `actions`, a last
 * column for per-row buttons, its header named for screen readers only. `narrow` names the
 * columns a narrow window drops (under 1000 px; the detail page still shows them).
 */
export function DataTable<T>(props: { columns: string[]; narrow?: string[]; actions?: boolean; rows: readonly T[]; rowKey: (row: T) => string; children: (row: T) => ReactNode }) {
  const drop = (props.narrow ?? []).map((c) => `drop-${props.columns.indexOf(c) + 1}`);
  return (
    <div className="table-wrap">
      <table className={['table', ...drop].join(' ')}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
            {props.actions && (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)}>{props.children(row)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Delete <name>?": on confirm runs `onDelete`, says so in a toast, then `onDeleted` (say, leave the detail page). */
export function DeleteConfirm(props: { open: boolean; name: string; body: ReactNode; confirm: string; onClose: () => void; onDelete: () => Promise<void>; onDeleted?: () => void }) {
  const toast = useToast();
  return (
    <Confirm
      open={props.open}
      title={`Delete ${props.name}?`}
      body={props.body}
      confirm={props.confirm}
      danger
      onClose={props.onClose}
      onConfirm={async () => {
        await props.onDelete();
        toast({ kind: 'success', title: `Deleted ${props.name}` });
        props.onDeleted?.();
      }}
    />
  );
}

/** A detail page whose item does not exist (any more): says so, with a way back to the list (once loaded). */
export function MissingItem(props: { loaded: boolean; icon: ReactNode; title: string; back: string; backPath: string }) {
  return (
    <div className="page">
      <div className="page-body">
        {props.loaded && (
          <EmptyState icon={props.icon} title={props.title} actions={<Button onClick={() => navigate(props.backPath)}>{props.back}</Button>}>
            <p>It may have been deleted.</p>
          </EmptyState>
        )}
      </div>
    </div>
  );
}

/**
 * A detail page's header: a breadcrumb back to the list, then Tokens (the issuance log filtered
 * by `tokens`), the page's own `actions`, Edit and Delete.
 */
export function DetailHeader(props: { list: string; listPath: string; crumb: ReactNode; title: string; description: ReactNode; tokens: Record<string, string>; actions?: ReactNode; onEdit: () => void; onDelete: () => void }) {
  return (
    <PageHeader
      crumbs={
        <>
          <a href={href(props.listPath)}>{props.list}</a>
          <span aria-hidden="true">/</span>
          {props.crumb}
        </>
      }
      title={props.title}
      description={props.description}
      actions={
        <>
          <Button icon={<IconArrowRight />} onClick={() => navigate('/issuances', props.tokens)}>
            Tokens
          </Button>
          {props.actions}
          <Button icon={<IconPencil />} onClick={props.onEdit}>
            Edit
          </Button>
          <Button variant="danger" icon={<IconTrash />} onClick={props.onDelete}>
            Delete
          </Button>
        </>
      }
    />
  );
}
