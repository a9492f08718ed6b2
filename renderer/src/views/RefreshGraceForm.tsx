/** Changes the running server's refresh grace, validated live with the API's own schema. */
import { parseDuration, SettingsPatch, type SettingsView } from '../../../server/contracts';
import { api } from '../api/admin';
import { FormModal, TextField } from '../components/form';
import { useSchemaForm } from '../hooks/useSchemaForm';
import { durationInput, formatSeconds, type FieldErrors } from '../lib/forms';

export function RefreshGraceForm({ open, current, onClose, onSaved }: { open: boolean; current: number; onClose: () => void; onSaved: (v: SettingsView) => void }) {
  const { form, errors, busy, submit } = useSchemaForm({
    open,
    onClose,
    onSaved,
    schema: SettingsPatch,
    values: () => ({ refresh_grace_s: current === 0 ? '0' : formatSeconds(current) }),
    toBody: (f: { refresh_grace_s: string }) => ({ refresh_grace_s: durationInput(f.refresh_grace_s, parseDuration) }),
    // Blank or unparsable text has no number for the schema to judge: say what to type.
    check: (f): FieldErrors => {
      const n = durationInput(f.refresh_grace_s, parseDuration);
      return n === undefined || Number.isNaN(n) ? { refresh_grace_s: 'use seconds or 30s, 2m (0 for strict rotation)' } : {};
    },
    send: (body) => api.updateSettings(body as SettingsPatch),
  });
  return (
    <FormModal
      open={open}
      onClose={onClose}
      id="refresh-grace-form"
      title="Refresh grace"
      description="Applies to the running server at once, until it stops."
      submit="Save"
      form={{ errors, busy }}
      onSubmit={submit}
    >
      <TextField
        label="Grace window"
        hint="0 (strict rotation, as the AuthPlane product) up to 5m. A refresh token rotated out less than this long ago is accepted again and answered with the same new token."
        error={errors.refresh_grace_s}
        mono
        autoFocus
        placeholder="0"
        {...form.register('refresh_grace_s')}
      />
    </FormModal>
  );
}
