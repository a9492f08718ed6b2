/**
 * A form in a modal, held by react-hook-form and validated with the contract's zod schema (the
 * one the CLI and the admin API use). The fields hold what the user typed; `toBody` turns them
 * into what would be sent, and the schema checks that body, so its error paths name the fields.
 *
 * Errors are derived from the current values at every render, so an error goes away the moment
 * its field is corrected, and list-wide errors (`redirect_uris`) follow the rows they are about.
 * A field shows its error once the user has left it (react-hook-form's touched state) or tried to
 * submit; from then on it is checked at every keystroke.
 */
import { useLayoutEffect, useState } from 'react';
import { set, useForm, type DefaultValues, type FieldErrors as FormErrors, type FieldValues, type Resolver, type UseFormReturn } from 'react-hook-form';
import type { z } from 'zod';
import { validate, type FieldErrors } from '../lib/forms';

export interface SchemaForm<V extends FieldValues> {
  /** react-hook-form's API: register, control (field arrays), setValue, getFieldState… */
  form: UseFormReturn<V>;
  /** Errors to show, by field path (`uri`, `scopes.0.name`); `_` is the server's answer. */
  errors: FieldErrors;
  busy: boolean;
  /** Shows every error; when there are none, sends the body, then closes and reports what it saved. */
  submit: () => Promise<void>;
}

/** Whether an error at `key` belongs to the field named `name` (a row's error, or a list's own). */
const concerns = (key: string, name: string) => key === name || key.startsWith(`${name}.`) || name.startsWith(`${key}.`);

/** react-hook-form's nested touched flags → the names of the fields left (`scopes.0.name`). */
function touchedNames(touched: unknown, prefix = ''): string[] {
  if (touched === true) return [prefix];
  if (!touched || typeof touched !== 'object') return [];
  return Object.entries(touched).flatMap(([k, v]) => touchedNames(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * `values` gives the fields each time `open` turns true (empty, or the edited item's); `check` adds
 * rules the schema cannot see (a text that does not parse, a combination of fields).
 */
export function useSchemaForm<V extends FieldValues, B, T>({
  open,
  values,
  toBody,
  schema,
  check,
  send,
  onClose,
  onSaved,
}: {
  open: boolean;
  values: () => V;
  toBody: (v: V) => B;
  schema: z.ZodType;
  check?: (v: V) => FieldErrors;
  send: (body: B) => Promise<T>;
  onClose: () => void;
  onSaved: (saved: T) => void;
}): SchemaForm<V> {
  const liveErrors = (v: V): FieldErrors => {
    const r = validate(schema, toBody(v));
    return { ...(r.ok ? {} : r.errors), ...check?.(v) };
  };
  // The same rules gate the submit: react-hook-form hands the body, not the fields, to `send`.
  const resolver: Resolver<V> = (v) => {
    const live = liveErrors(v);
    if (!Object.keys(live).length) return { values: toBody(v) as unknown as V, errors: {} };
    const errors: FormErrors<V> = {};
    for (const [key, message] of Object.entries(live)) set(errors, key === '_' ? 'root' : key, { type: 'schema', message });
    return { values: {}, errors };
  };
  const form = useForm<V>({ defaultValues: values() as DefaultValues<V>, resolver, mode: 'onSubmit' });
  const [serverError, setServerError] = useState<string>();
  useLayoutEffect(() => {
    if (!open) return;
    form.reset(values());
    setServerError(undefined);
  }, [open]); // eslint-disable-line react-hooks/exhaustive-deps

  const { touchedFields, isSubmitted, isSubmitting } = form.formState;
  const left = touchedNames(touchedFields);
  const errors: FieldErrors = {};
  for (const [key, message] of Object.entries(liveErrors(form.watch()))) if (isSubmitted || left.some((name) => concerns(key, name))) errors[key] = message;
  if (serverError) errors._ = serverError;

  const submit = form.handleSubmit(async (body) => {
    try {
      const saved = await send(body as unknown as B);
      onClose();
      onSaved(saved);
    } catch (e) {
      setServerError((e as Error).message);
    }
  });
  return {
    form,
    errors,
    busy: isSubmitting,
    submit: () => {
      setServerError(undefined);
      return submit();
    },
  };
}
