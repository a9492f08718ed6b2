/** Local test users: who approves consent (the token's sub). */
import { useState } from 'react';
import { UserInput, type User } from '../../../server/contracts';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { IconAlert, IconPlus, IconTrash, IconUsers } from '../components/icons';
import { useToast } from '../components/toast';
import { Badge, Button, Confirm, EmptyState, Field, Modal, PageHeader } from '../components/ui';
import { validate, type FieldErrors } from '../lib/forms';
import { localDate } from '../lib/time';
import { useCatalog } from '../state/catalog';

export default function UsersView() {
  const { users, loaded } = useCatalog();
  const status = useLoad(api.status);
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<User | null>(null);
  return (
    <div className="page">
      <PageHeader
        title="Users"
        description="Test users who approve consent. There are no passwords: whoever uses this machine picks the user, and it becomes the token's sub."
        actions={
          <Button variant="primary" icon={<IconPlus />} onClick={() => setCreating(true)}>
            New user
          </Button>
        }
      />
      <div className="page-body">
        {loaded && users.length === 0 ? (
          <EmptyState icon={<IconUsers />} title="No users" actions={<Button variant="primary" onClick={() => setCreating(true)}>Add a user</Button>}>
            <p>Add a user to approve consent prompts as. Tokens name the approving user in sub.</p>
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">sub</th>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.sub}>
                    <td className="mono primary-cell">
                      {u.sub} {status.data?.default_user === u.sub && <Badge tone="accent">default</Badge>}
                    </td>
                    <td>{u.name}</td>
                    <td className="muted">{u.email ?? '—'}</td>
                    <td className="muted small">{localDate(Date.parse(u.created_at))}</td>
                    <td className="actions-cell">
                      <Button size="sm" variant="ghost" icon={<IconTrash />} label={`Delete user ${u.sub}`} onClick={() => setDeleting(u)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <UserForm open={creating} onClose={() => setCreating(false)} onSaved={(u) => toast({ kind: 'success', title: `Added ${u.sub}` })} />
      <Confirm
        open={!!deleting}
        title={`Delete ${deleting?.sub}?`}
        body={<p>Tokens already issued to this user stay valid until they expire.{status.data?.default_user === deleting?.sub ? ' It is the default user: the server recreates it at its next start.' : ''}</p>}
        confirm="Delete user"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          await api.deleteUser(deleting!.sub);
          toast({ kind: 'success', title: `Deleted ${deleting!.sub}` });
        }}
      />
    </div>
  );
}

function UserForm({ open, onClose, onSaved }: { open: boolean; onClose: () => void; onSaved: (u: User) => void }) {
  const [sub, setSub] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [lastOpen, setLastOpen] = useState(false);
  if (open !== lastOpen) {
    setLastOpen(open);
    if (open) {
      setSub('');
      setName('');
      setEmail('');
      setErrors({});
    }
  }
  const submit = async () => {
    const body = { sub: sub.trim(), ...(name.trim() ? { name: name.trim() } : {}), ...(email.trim() ? { email: email.trim() } : {}) };
    const v = validate(UserInput, body);
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    setBusy(true);
    try {
      const u = await api.createUser(body);
      onClose();
      onSaved(u);
    } catch (e) {
      setErrors({ _: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="New user"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={busy} onClick={submit}>
            Create user
          </Button>
        </>
      }
    >
      <form
        className="form-grid"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {errors._ && (
          <div className="form-error" role="alert">
            <IconAlert />
            <span>{errors._}</span>
          </div>
        )}
        <Field label="sub" hint="The subject identifier tokens carry. Printable ASCII, no spaces." error={errors.sub}>
          {(id, d) => <input id={id} aria-describedby={d} aria-invalid={!!errors.sub} className="input mono" autoFocus value={sub} placeholder="alice" onChange={(e) => setSub(e.target.value)} />}
        </Field>
        <Field label="Name" error={errors.name}>
          {(id, d) => <input id={id} aria-describedby={d} className="input" value={name} placeholder="Alice Example" onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Email" error={errors.email}>
          {(id, d) => <input id={id} aria-describedby={d} aria-invalid={!!errors.email} className="input" type="email" value={email} placeholder="alice@example.com" onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <button type="submit" hidden />
      </form>
    </Modal>
  );
}
