/**
 * A form in a modal, validated live with the contract's zod schema (the one the CLI and the
 * admin API use). Errors are derived from the current fields at every render, so an error goes
 * away the moment its field is corrected. A field shows its error once the user has left it
 * (blur) or tried to submit; from then on it is checked at every keystroke.
 */
import { useState, type FocusEvent } from 'react';
import type { z } from 'zod';
import { validate, type FieldErrors } from '../lib/forms';

export interface ZodForm<T> {
  /** Errors to show, by field path (`uri`, `scopes.0.name`); `_` is the server's answer. */
  errors: FieldErrors;
  busy: boolean;
  /** For the <form>: a control that loses focus starts showing its field's error (by its `name`). */
  onBlur: (e: FocusEvent<HTMLFormElement>) => void;
  /** Shows every error; when there are none, runs `call`, then closes and reports what it saved. */
  save: (call: () => Promise<T>) => Promise<void>;
}

/** Whether an error at `key` belongs to the field named `name` (a row's error, or a list's own). */
const concerns = (key: string, name: string) => key === name || key.startsWith(`${name}.`) || name.startsWith(`${key}.`);

/**
 * `body` is what would be sent now; `check` adds rules the schema cannot see (a text that does
 * not parse, a combination of fields). `reset` puts the fields back (empty, or the edited item's
 * values) each time `open` turns true, during render, so the first frame already shows them.
 */
export function useZodForm<T>({
  open,
  reset,
  onClose,
  onSaved,
  schema,
  body,
  check,
}: {
  open: boolean;
  reset: () => void;
  onClose: () => void;
  onSaved: (saved: T) => void;
  schema: z.ZodType;
  body: unknown;
  check?: () => FieldErrors;
}): ZodForm<T> {
  const [left, setLeft] = useState<string[]>([]);
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [lastOpen, setLastOpen] = useState(false);
  if (open !== lastOpen) {
    setLastOpen(open);
    if (open) {
      reset();
      setLeft([]);
      setSubmitted(false);
      setServerError(undefined);
    }
  }

  const v = validate(schema, body);
  const live: FieldErrors = { ...(v.ok ? {} : v.errors), ...check?.() };
  const errors: FieldErrors = {};
  for (const [key, message] of Object.entries(live)) if (submitted || left.some((name) => concerns(key, name))) errors[key] = message;
  if (serverError) errors._ = serverError;

  const onBlur = (e: FocusEvent<HTMLFormElement>) => {
    const t: EventTarget = e.target;
    const name = t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement ? t.name : '';
    if (name && !left.includes(name)) setLeft([...left, name]);
  };
  const save = async (call: () => Promise<T>) => {
    setSubmitted(true);
    setServerError(undefined);
    if (Object.keys(live).length) return;
    setBusy(true);
    try {
      const saved = await call();
      onClose();
      onSaved(saved);
    } catch (e) {
      setServerError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { errors, busy, onBlur, save };
}
