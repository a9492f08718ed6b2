/** The state a form in a modal keeps: field errors, a busy flag, and a fresh start at each open. */
import { useState } from 'react';
import type { FieldErrors } from '../lib/forms';

export interface ModalForm<T> {
  /** By field path (`uri`, `scopes.0.name`); `_` is the form's own (the server's answer). */
  errors: FieldErrors;
  busy: boolean;
  /** Shows `errors`; when there are none, runs `call`, then closes and reports what it saved. */
  save: (errors: FieldErrors, call: () => Promise<T>) => Promise<void>;
}

/**
 * `reset` puts the fields back (empty, or the edited item's values) each time `open` turns true.
 * It runs during render, so the first frame of the open modal already shows them.
 */
export function useModalForm<T>({ open, reset, onClose, onSaved }: { open: boolean; reset: () => void; onClose: () => void; onSaved: (saved: T) => void }): ModalForm<T> {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [lastOpen, setLastOpen] = useState(false);
  if (open !== lastOpen) {
    setLastOpen(open);
    if (open) {
      reset();
      setErrors({});
    }
  }
  const save = async (errs: FieldErrors, call: () => Promise<T>) => {
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const saved = await call();
      onClose();
      onSaved(saved);
    } catch (e) {
      setErrors({ _: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return { errors, busy, save };
}
