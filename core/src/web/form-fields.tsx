import type { Child } from 'hono/jsx';
import { AppError } from '../lib/errors.js';

/** Messages to show beside fields, keyed by the field's name (`email`, `config.retries`). */
export type FieldErrors = Record<string, string>;

/**
 * The field messages of a BAD_USER_INPUT error (its `issues`), keyed by the dotted path with the
 * leading argument name dropped when it is one of `strip` (`input.email` → `email`). Null when
 * the error is not about input: the caller rethrows it or shows it as the form's own message.
 */
export function fieldErrorsOf(err: unknown, strip: readonly string[] = ['input']): FieldErrors | null {
  if (!(err instanceof AppError) || err.code !== 'BAD_USER_INPUT') return null;
  const issues = (err.details?.issues ?? []) as { path: Array<string | number>; message: string }[];
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.length > 1 && strip.includes(String(issue.path[0])) ? issue.path.slice(1) : issue.path;
    const key = path.join('.') || '_form';
    errors[key] ??= issue.message;
  }
  return Object.keys(errors).length ? errors : { _form: err.message };
}

/** A field's element id, stable and safe for any field name. */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** The hidden CSRF field every form of a signed-in page carries. */
export const CsrfField = (props: { token: string }) => <input type="hidden" name="_csrf" value={props.token} />;

/** A form-level problem (not tied to one field), announced to screen readers. */
export function FormProblem(props: { message?: string | null }) {
  if (!props.message) return null;
  return <p class="form-problem" role="alert">{props.message}</p>;
}

interface FieldFrame {
  name: string;
  label: string;
  hint?: string;
  error?: string;
}

/** The ids a control points to with aria-describedby: its hint and its error, when shown. */
function describedBy(props: FieldFrame): string | undefined {
  const id = fieldId(props.name);
  const ids = [props.hint && `${id}-hint`, props.error && `${id}-error`].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function HintAndError(props: FieldFrame) {
  const id = fieldId(props.name);
  return (
    <>
      {props.hint && <p class="field__hint" id={`${id}-hint`}>{props.hint}</p>}
      {props.error && <p class="field__error" id={`${id}-error`}>{props.error}</p>}
    </>
  );
}

/** A labelled text-like input (text, email, password, number, url, color) with its hint and error. */
export function TextField(props: FieldFrame & {
  value?: string | number | null;
  type?: 'text' | 'email' | 'password' | 'number' | 'url' | 'color' | 'search' | 'date';
  required?: boolean;
  autocomplete?: string;
  step?: string;
  min?: number;
  max?: number;
  maxlength?: number;
}) {
  const id = fieldId(props.name);
  return (
    <div class={props.error ? 'field field--invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <input
        id={id} name={props.name} type={props.type ?? 'text'} value={props.type === 'password' ? undefined : props.value ?? undefined}
        required={props.required} autocomplete={props.autocomplete} step={props.step} min={props.min} max={props.max} maxlength={props.maxlength}
        aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(props)}
      />
      <HintAndError {...props} />
    </div>
  );
}

/** A labelled file input (multipart forms only). */
export function FileField(props: FieldFrame & { accept: string }) {
  const id = fieldId(props.name);
  return (
    <div class={props.error ? 'field field--invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <input id={id} name={props.name} type="file" accept={props.accept} aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(props)} />
      <HintAndError {...props} />
    </div>
  );
}

/** A labelled select of fixed options. */
export function SelectField(props: FieldFrame & { value?: string | null; options: { value: string; label: string }[]; required?: boolean }) {
  const id = fieldId(props.name);
  return (
    <div class={props.error ? 'field field--invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} required={props.required} aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(props)}>
        {props.options.map((o) => <option value={o.value} selected={o.value === props.value}>{o.label}</option>)}
      </select>
      <HintAndError {...props} />
    </div>
  );
}

/** One checkbox (sent as "on" when ticked). */
export function CheckboxField(props: FieldFrame & { checked?: boolean; value?: string }) {
  const id = fieldId(props.name);
  return (
    <div class={props.error ? 'field field--check field--invalid' : 'field field--check'}>
      <input id={id} name={props.name} type="checkbox" value={props.value ?? 'on'} checked={props.checked}
        aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(props)} />
      <label for={id}>{props.label}</label>
      <HintAndError {...props} />
    </div>
  );
}

/** Several checkboxes of one name in a fieldset (the form sends every ticked value). */
export function CheckboxGroup(props: FieldFrame & { options: { value: string; label: string; detail?: Child }[]; checked: readonly string[] }) {
  return <ChoiceFieldset {...props} type="checkbox" isChecked={(value) => props.checked.includes(value)} />;
}

/** Radio buttons of one name in a fieldset: one choice of a few (a rating, a mode). */
export function RadioGroup(props: FieldFrame & { options: { value: string; label: string }[]; value?: string | null; required?: boolean }) {
  return <ChoiceFieldset {...props} type="radio" isChecked={(value) => props.value === value} />;
}

/** Checkboxes or radio buttons of one name, each with its label, in a fieldset its legend names. */
function ChoiceFieldset(props: FieldFrame & {
  type: 'checkbox' | 'radio';
  options: { value: string; label: string; detail?: Child }[];
  isChecked: (value: string) => boolean;
  required?: boolean;
}) {
  const id = fieldId(props.name);
  return (
    <fieldset class={props.error ? 'field field--invalid' : 'field'} aria-describedby={describedBy(props)}>
      <legend>{props.label}</legend>
      {props.options.map((o, i) => (
        <div class="field--check">
          <input id={`${id}-${i}`} name={props.name} type={props.type} value={o.value} checked={props.isChecked(o.value)} required={props.required}
            aria-invalid={props.error ? 'true' : undefined} />
          <label for={`${id}-${i}`}>{o.label}</label>
          {o.detail}
        </div>
      ))}
      <HintAndError {...props} />
    </fieldset>
  );
}

/** A multi-line text field. */
export function TextAreaField(props: FieldFrame & { value?: string | null; rows?: number; maxlength?: number }) {
  const id = fieldId(props.name);
  return (
    <div class={props.error ? 'field field--invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={props.rows ?? 4} maxlength={props.maxlength}
        aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(props)}>{props.value ?? ''}</textarea>
      <HintAndError {...props} />
    </div>
  );
}
