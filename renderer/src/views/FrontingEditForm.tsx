/** Replaces a fronting link's scope map (PATCH), typed in the CLI's syntax and checked with the API's schema. */
import { FrontingLinkPatch, formatScopeMap, parseScopeMapSpec, type FrontingLink } from '../../../server/contracts';
import { api } from '../api/admin';
import { FormModal, TextField } from '../components/form';
import { useSchemaForm } from '../hooks/useSchemaForm';
import type { FieldErrors } from '../lib/forms';

/** The map the text means, or the parser's message (worded for the window, not the CLI flag). */
function parseMap(text: string): { map?: FrontingLinkPatch['scope_map']; error?: string } {
  try {
    return { map: parseScopeMapSpec(text.trim()) };
  } catch (e) {
    return { error: (e as Error).message.replace('--scope-map', 'scope map') };
  }
}

export function FrontingEditForm({ link, onClose, onSaved }: { link: FrontingLink | undefined; onClose: () => void; onSaved: (l: FrontingLink) => void }) {
  const { form, errors, busy, submit } = useSchemaForm({
    open: !!link,
    onClose,
    onSaved,
    schema: FrontingLinkPatch,
    values: () => ({ scope_map: link ? formatScopeMap(link.scope_map) : '' }),
    toBody: (f: { scope_map: string }) => ({ scope_map: parseMap(f.scope_map).map ?? {} }),
    // Text that does not parse has no map for the schema to judge: say how to write one.
    check: (f): FieldErrors => {
      const { error } = parseMap(f.scope_map);
      return error ? { scope_map: error } : {};
    },
    send: (body) => api.updateFronting(link!.source, link!.target, body as FrontingLinkPatch),
  });
  return (
    <FormModal
      open={!!link}
      onClose={onClose}
      id="fronting-edit-form"
      title={link ? `Edit ${link.source} → ${link.target}` : 'Edit fronting link'}
      description="The new scope map replaces the old one; each scope must be in its resource's catalog."
      submit="Save scope map"
      form={{ errors, busy }}
      onSubmit={submit}
    >
      <TextField label="Scope map" hint="source:target pairs, e.g. read:read,write:write (+ fans out: read:repo+org)" error={errors.scope_map} mono autoFocus placeholder="A:AA,B:BB" {...form.register('scope_map')} />
    </FormModal>
  );
}
