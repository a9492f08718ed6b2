/** Form building blocks: a form in a modal (Cancel / submit footer, the form's own error) and a text field row. */
import type { InputHTMLAttributes, ReactNode, Ref } from 'react';
import type { SchemaForm } from '../hooks/useSchemaForm';
import { IconAlert } from './icons';
import { Button, Field, Modal } from './ui';

/**
 * A modal holding one form: Enter and the footer's primary button both submit; the form's own
 * error (the server's answer) shows above the fields. `wide` gives a wide modal with a two-column grid.
 */
export function FormModal(props: { open: boolean; onClose: () => void; title: string; description?: ReactNode; wide?: boolean; id?: string; submit: string; form: Pick<SchemaForm<never>, 'busy' | 'errors'>; onSubmit: () => Promise<void> | void; children: ReactNode }) {
  const error = props.form.errors._;
  return (
    <Modal
      open={props.open}
      onClose={props.onClose}
      wide={props.wide}
      title={props.title}
      description={props.description}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button variant="primary" busy={props.form.busy} onClick={props.onSubmit} form={props.id}>
            {props.submit}
          </Button>
        </>
      }
    >
      <form
        id={props.id}
        className={props.wide ? 'form-grid two' : 'form-grid'}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void props.onSubmit();
        }}
      >
        {error && (
          <div className={props.wide ? 'form-error span' : 'form-error'} role="alert">
            <IconAlert />
            <span>{error}</span>
          </div>
        )}
        {props.children}
        <button type="submit" hidden />
      </form>
    </Modal>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> & { ref?: Ref<HTMLInputElement> };

/** A labelled one-line input with its hint or error; `mono` for identifiers and URLs. Spread a form's `register(name)` into it. */
export function TextField({ label, hint, error, className, mono, ...input }: InputProps & { label: string; hint?: ReactNode; error?: string; className?: string; mono?: boolean }) {
  return (
    <Field className={className} label={label} hint={hint} error={error}>
      {(id, describedBy) => <input id={id} aria-describedby={describedBy} aria-invalid={!!error} className={mono ? 'input mono' : 'input'} {...input} />}
    </Field>
  );
}
