/** Local test users: who approves consent (the token's sub). */
import { useState } from 'react';
import { UserInput, UserPatch, type User } from '../../../server/contracts';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { FormModal, TextField } from '../components/form';
import { IconPencil, IconTrash, IconUsers } from '../components/icons';
import { DataTable, DeleteConfirm, ListPage, NewButton } from '../components/list';
import { DateCell } from '../components/time';
import { useToast } from '../components/toast';
import { Badge, Button, EmptyState } from '../components/ui';
import { useSchemaForm } from '../hooks/useSchemaForm';
import { useCatalog } from '../state/catalog';

export default function UsersView() {
  const { users, loaded } = useCatalog();
  const status = useLoad(api.status);
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const defaultUser = status.data?.default_user;
  return (
    <ListPage
      title="Users"
      description="Test users who approve consent. There are no passwords: whoever uses this machine picks the user, and it becomes the token's sub."
      actions={<NewButton onClick={() => setCreating(true)}>New user</NewButton>}
      isEmpty={loaded && users.length === 0}
      empty={
        <EmptyState icon={<IconUsers />} title="No users" actions={<Button variant="primary" onClick={() => setCreating(true)}>Add a user</Button>}>
          <p>Add a user to approve consent prompts as. Tokens name the approving user in sub.</p>
        </EmptyState>
      }
      table={
        <DataTable columns={['sub', 'Name', 'Email', 'Created']} actions rows={users} rowKey={(u) => u.sub}>
          {(u) => (
            <>
              <td className="mono primary-cell">
                {u.sub} {defaultUser === u.sub && <Badge tone="accent">default</Badge>}
              </td>
              <td>{u.name}</td>
              <td className="muted">{u.email ?? '—'}</td>
              <DateCell at={u.created_at} />
              <td className="actions-cell">
                <Button size="sm" variant="ghost" icon={<IconPencil />} label={`Edit user ${u.sub}`} onClick={() => setEditing(u)} />
                <Button size="sm" variant="ghost" icon={<IconTrash />} label={`Delete user ${u.sub}`} onClick={() => setDeleting(u)} />
              </td>
            </>
          )}
        </DataTable>
      }
    >
      <UserForm open={creating} onClose={() => setCreating(false)} onSaved={(u) => toast({ kind: 'success', title: `Added ${u.sub}` })} />
      <UserForm open={!!editing} user={editing ?? undefined} onClose={() => setEditing(null)} onSaved={(u) => toast({ kind: 'success', title: `Saved ${u.sub}` })} />
      <DeleteConfirm
        open={!!deleting}
        name={deleting?.sub ?? ''}
        body={<p>Tokens already issued to this user stay valid until they expire.{defaultUser === deleting?.sub ? ' It is the default user: the server recreates it at its next start.' : ''}</p>}
        confirm="Delete user"
        onClose={() => setDeleting(null)}
        onDelete={() => api.deleteUser(deleting!.sub)}
      />
    </ListPage>
  );
}

/** Creates a user, or with `user` edits its name and email (the sub is fixed). */
function UserForm({ open, user, onClose, onSaved }: { open: boolean; user?: User; onClose: () => void; onSaved: (u: User) => void }) {
  const { form, errors, busy, submit } = useSchemaForm({
    open,
    onClose,
    onSaved,
    schema: user ? UserPatch : UserInput,
    values: () => ({ sub: user?.sub ?? '', name: user?.name ?? '', email: user?.email ?? '' }),
    toBody: (f): UserInput | UserPatch => {
      const [sub, name, email] = [f.sub.trim(), f.name.trim(), f.email.trim()];
      // Editing: a blank name falls back to the sub, as at creation; a blank email removes it.
      return user ? { name: name || user.sub, email: email || null } : { sub, ...(name ? { name } : {}), ...(email ? { email } : {}) };
    },
    send: (body) => (user ? api.updateUser(user.sub, body as UserPatch) : api.createUser(body as UserInput)),
  });
  const { register } = form;
  return (
    <FormModal open={open} onClose={onClose} title={user ? `Edit ${user.sub}` : 'New user'} submit={user ? 'Save changes' : 'Create user'} form={{ errors, busy }} onSubmit={submit}>
      <TextField label="sub" hint={user ? 'Fixed after creation.' : 'The subject identifier tokens carry. Printable ASCII, no spaces.'} error={errors.sub} mono autoFocus={!user} disabled={!!user} placeholder="alice" {...register('sub')} />
      <TextField label="Name" error={errors.name} autoFocus={!!user} placeholder="Alice Example" {...register('name')} />
      <TextField label="Email" error={errors.email} type="email" placeholder="alice@example.com" {...register('email')} />
    </FormModal>
  );
}
