/** The resource form: create one, or edit one (its slug is fixed). */
import { useFieldArray } from 'react-hook-form';
import { parseDuration, ResourceInput, ResourcePatch, type Resource } from '../../../server/contracts';
import { api } from '../api/admin';
import { FormModal, TextField } from '../components/form';
import { IconPlus, IconX } from '../components/icons';
import { Button, Field } from '../components/ui';
import { useSchemaForm } from '../hooks/useSchemaForm';
import { durationInput, formatSeconds, type FieldErrors } from '../lib/forms';

interface ResourceFields {
  display_name: string;
  slug: string;
  uri: string;
  scopes: { name: string; description: string }[];
  signing_alg: string;
  access_token_ttl: string;
  refresh_token_ttl: string;
  is_default: boolean;
}

const autoSlug = (n: string) =>
  n
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

export function ResourceForm({ open, resource, onClose, onSaved }: { open: boolean; resource?: Resource; onClose: () => void; onSaved: (r: Resource) => void }) {
  const editing = !!resource;
  const { form, errors, busy, submit } = useSchemaForm({
    open,
    onClose,
    onSaved,
    schema: editing ? ResourcePatch : ResourceInput,
    values: (): ResourceFields => ({
      display_name: resource?.display_name ?? '',
      slug: resource?.slug ?? '',
      uri: resource?.uri ?? '',
      scopes: resource ? resource.scopes.map((s) => ({ name: s.name, description: s.description ?? '' })) : [{ name: '', description: '' }],
      signing_alg: resource?.signing_alg ?? '',
      access_token_ttl: formatSeconds(resource?.access_token_ttl),
      refresh_token_ttl: formatSeconds(resource?.refresh_token_ttl),
      is_default: !!resource?.is_default,
    }),
    toBody: (f) => {
      const at = durationInput(f.access_token_ttl, parseDuration);
      const rt = durationInput(f.refresh_token_ttl, parseDuration);
      return {
        ...(editing ? {} : { slug: f.slug }),
        uri: f.uri.trim(),
        display_name: f.display_name.trim() || undefined,
        scopes: f.scopes.filter((s) => s.name.trim() || s.description.trim()).map((s) => ({ name: s.name.trim(), ...(s.description.trim() ? { description: s.description.trim() } : {}) })),
        ...(f.signing_alg ? { signing_alg: f.signing_alg } : {}),
        ...(at !== undefined ? { access_token_ttl: at } : {}),
        ...(rt !== undefined ? { refresh_token_ttl: rt } : {}),
        ...(f.is_default || resource?.is_default ? { is_default: f.is_default } : {}),
      };
    },
    // A lifetime that does not parse is NaN in the body: say how to write one instead.
    check: (f) => {
      const errs: FieldErrors = {};
      if (Number.isNaN(durationInput(f.access_token_ttl, parseDuration))) errs.access_token_ttl = 'use seconds or 15m, 2h, 7d';
      if (Number.isNaN(durationInput(f.refresh_token_ttl, parseDuration))) errs.refresh_token_ttl = 'use seconds or 15m, 2h, 7d';
      return errs;
    },
    send: (body) => (editing ? api.updateResource(resource!.slug, body as ResourcePatch) : api.createResource(body as ResourceInput)),
  });
  const { register, control, setValue, getFieldState } = form;
  const scopes = useFieldArray({ control, name: 'scopes' });

  return (
    <FormModal
      open={open}
      onClose={onClose}
      wide
      id="resource-form"
      title={editing ? `Edit ${resource!.display_name}` : 'New resource'}
      description="Validated with the same rules as the CLI."
      submit={editing ? 'Save changes' : 'Create resource'}
      form={{ errors, busy }}
      onSubmit={submit}
    >
      <TextField
        label="Display name"
        error={errors.display_name}
        autoFocus
        placeholder="Weather MCP"
        {...register('display_name', {
          // The slug follows the name until the user types one of their own.
          onChange: (e: { target: { value: string } }) => {
            if (!editing && !getFieldState('slug').isDirty) setValue('slug', autoSlug(e.target.value));
          },
        })}
      />
      <TextField label="Slug" hint={editing ? 'Fixed after creation.' : 'Lowercase letters, digits, dashes. Used by the CLI and filters.'} error={errors.slug} mono disabled={editing} placeholder="weather" {...register('slug')} />
      <TextField className="span" label="Resource URI" hint="Exactly what your MCP server publishes as `resource` in its metadata; it becomes the token's aud, byte for byte." error={errors.uri} mono placeholder="http://127.0.0.1:3001/mcp" {...register('uri')} />
      <div className="field span">
        <span className="field-label" id="scopes-label">
          Scopes
        </span>
        <div className="scope-rows" role="group" aria-labelledby="scopes-label">
          {scopes.fields.map((row, i) => (
            <div className="scope-row" key={row.id}>
              <input className="input mono" aria-label={`Scope ${i + 1} name`} aria-invalid={!!errors[`scopes.${i}.name`]} placeholder="read" {...register(`scopes.${i}.name`)} />
              <input className="input" aria-label={`Scope ${i + 1} description`} placeholder="What it allows (shown on consent)" {...register(`scopes.${i}.description`)} />
              <Button variant="ghost" icon={<IconX />} label={`Remove scope ${i + 1}`} onClick={() => scopes.remove(i)} />
            </div>
          ))}
        </div>
        {Object.entries(errors)
          .filter(([k]) => k.startsWith('scopes'))
          .map(([k, m]) => (
            <div className="error" key={k} role="alert">
              {k === 'scopes' ? m : `Scope ${Number(k.split('.')[1]) + 1}: ${m}`}
            </div>
          ))}
        <div>
          <Button size="sm" variant="ghost" icon={<IconPlus />} onClick={() => scopes.append({ name: '', description: '' }, { shouldFocus: false })}>
            Add scope
          </Button>
        </div>
      </div>
      <Field label="Signing algorithm" error={errors.signing_alg}>
        {(id, d) => (
          <select id={id} aria-describedby={d} className="select" {...register('signing_alg')}>
            <option value="">Server default</option>
            <option value="ES256">ES256 (ECDSA P-256)</option>
            <option value="RS256">RS256 (RSA)</option>
          </select>
        )}
      </Field>
      <div className="field">
        <span className="field-label">Default resource</span>
        <label className="check">
          <input type="checkbox" {...register('is_default')} />
          <span className="check-text">
            <span>Use when a request names no resource</span>
          </span>
        </label>
      </div>
      <TextField label="Access-token lifetime" hint="Blank for the server default. 900, 15m, 2h…" error={errors.access_token_ttl} mono placeholder="15m" {...register('access_token_ttl')} />
      <TextField label="Refresh-token lifetime" hint="Blank for the server default. 7d…" error={errors.refresh_token_ttl} mono placeholder="7d" {...register('refresh_token_ttl')} />
    </FormModal>
  );
}
