import { z } from 'zod';
import { MAX_PAGE_SIZE, type Connection, type PageArgs } from '../../../domain/pagination.js';
import { AppError } from '../../../lib/errors.js';
import { fieldErrorsOf, type FieldErrors } from '../../form-fields.js';
import { useView } from '../../view.js';
import { text, type AdminContext, type FormBody } from '../admin-context.js';

/**
 * The `:name` path parameter as a record id (a UUID), checked before any query: anything else
 * names no record, so it is NOT_FOUND like a missing or another tenant's one.
 */
export function idParam(c: AdminContext, name: string): string {
  const id = z.uuid().safeParse(c.req.param(name));
  if (!id.success) throw new AppError('NOT_FOUND', 'record not found');
  return id.data;
}

/**
 * A whole number typed into a form for the use-case's zod rules: blank is `undefined`, digits a
 * number, anything else stays text so the rule rejects it (and the form shows what was typed).
 */
export function numberOf(value: string): number | string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  return /^-?\d{1,9}$/.test(v) ? Number(v) : v;
}

/** A blank text field as null (an optional reference or number cleared by the admin). */
export const orNull = <T,>(value: T | undefined | ''): T | null => (value === undefined || value === '' ? null : value);

/** Whether a checkbox of the form is ticked. */
export const ticked = (body: FormBody, name: string) => text(body, name) === 'on';

/**
 * Rows a form sends as `<prefix>.<i>.<field>` (i from 0, at most `max`, up to the first row the
 * form did not send): every field's text of each row, with the row's index in the form, so an
 * issue of the n-th kept row finds its inputs again.
 */
export function rowsOf<F extends string>(body: FormBody, prefix: string, fields: readonly F[], max: number): Array<Record<F, string> & { row: number }> {
  const rows: Array<Record<F, string> & { row: number }> = [];
  for (let i = 0; i < max && fields.some((f) => `${prefix}.${i}.${f}` in body); i++) {
    const row = Object.fromEntries(fields.map((f) => [f, text(body, `${prefix}.${i}.${f}`)])) as Record<F, string>;
    rows.push({ ...row, row: i });
  }
  return rows;
}

/**
 * The messages of a use-case's BAD_USER_INPUT in the page's language: each issue's path is
 * matched against `rules` (numbers as `*`: `targets.*.minutes`), and `rename` maps the path the
 * use-case saw back to the form field it came from (a kept row's index to its row in the form).
 * An issue without a rule keeps the use-case's own words. Null when `err` is not about input.
 */
export function inputErrors(err: unknown, t: (key: string) => string, rules: Record<string, string>, rename: (path: string) => string = (p) => p): FieldErrors | null {
  const errors = fieldErrorsOf(err);
  if (!errors) return null;
  const out: FieldErrors = {};
  for (const [path, message] of Object.entries(errors)) {
    const field = rename(path);
    const rule = rules[path.replace(/\.\d+(?=\.|$)/g, '.*')];
    out[field] ??= rule ? t(rule) : message;
  }
  return out;
}

/** Maps `<prefix>.<kept index>...` back to `<prefix>.<form row>...` for rows that skipped blank ones. */
export function renameRows(prefix: string, formRows: readonly number[]) {
  return (path: string) => {
    const m = new RegExp(`^${prefix.replace('.', '\\.')}\\.(\\d+)(.*)$`).exec(path);
    const row = m ? formRows[Number(m[1])] : undefined;
    return m && row !== undefined ? `${prefix}.${row}${m[2]}` : path;
  };
}

/** The note of what the last action did, shown once after its redirect (`?done=saved`). */
export function DoneNotice(props: { done?: string; notes: readonly string[]; prefix: string }) {
  const { t } = useView();
  if (!props.done || !props.notes.includes(props.done)) return null;
  return <p class="notice" role="status">{t(`${props.prefix}.${props.done}`)}</p>;
}

/** The `done` query of a redirect back to a list. */
export const doneOf = (c: AdminContext) => c.req.query('done') ?? undefined;

/** Whether a use-case refused with CONFLICT (a name taken, a record in use): the page says so beside the field. */
export function conflictOf(err: unknown): boolean {
  return err instanceof AppError && err.code === 'CONFLICT';
}

/**
 * The rows a repeating form shows: the given ones, then blank ones until `extra` rows past the
 * last filled one (at most `max` in all), so a re-shown form neither grows nor loses a row.
 */
export function padRows<T>(rows: readonly T[], isBlank: (row: T) => boolean, blank: () => T, extra: number, max: number): T[] {
  let filled = rows.length;
  while (filled > 0 && isBlank(rows[filled - 1]!)) filled--;
  const want = Math.min(max, Math.max(rows.length, filled + extra));
  return [...rows, ...Array.from({ length: Math.max(0, want - rows.length) }, blank)];
}

/**
 * Every row of a paged list (queues, agents: a tenant has tens, not thousands), so a form's
 * choices never miss one a stored record names and a save never drops it.
 */
export async function everyNode<T>(page: (args: PageArgs) => Promise<Connection<T>>): Promise<T[]> {
  const rows: T[] = [];
  let after: string | null = null;
  do {
    const got: Connection<T> = await page({ first: MAX_PAGE_SIZE, after });
    rows.push(...got.edges.map((e) => e.node));
    after = got.pageInfo.hasNextPage ? got.pageInfo.endCursor : null;
  } while (after);
  return rows;
}
