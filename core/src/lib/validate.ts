import { textIssues } from '@mosaic/sdk/schema';
import type { z } from 'zod';
import { AppError } from './errors.js';

/** One problem of an input: where (from the argument down, e.g. `["input", "subject"]`) and why. */
export interface InputIssue {
  path: Array<string | number>;
  message: string;
}

const samePath = (a: InputIssue, b: InputIssue) => a.path.length === b.path.length && a.path.every((p, i) => p === b.path[i]);

/**
 * Every problem of `input`: the platform's text rule for every string (object keys too: no
 * control characters but tab and line breaks, well-formed Unicode, so what is stored is what will
 * be read back) and the zod schema, at most one issue per path.
 */
export function inputIssues(schema: z.ZodType, input: unknown): InputIssue[] {
  return examine(schema, input).issues;
}

function examine<S extends z.ZodType>(schema: S, input: unknown): { issues: InputIssue[]; result: z.ZodSafeParseResult<z.output<S>> } {
  const textual: InputIssue[] = textIssues(input).map((i) => ({ path: i.path, message: i.problem }));
  const result = schema.safeParse(input);
  const parsed: InputIssue[] = result.success ? [] : result.error.issues.map((i) => ({ path: i.path.map(pathKey), message: i.message }));
  return { issues: [...textual, ...parsed.filter((p) => !textual.some((t) => samePath(t, p)))], result };
}

const pathKey = (key: PropertyKey): string | number => (typeof key === 'number' ? key : String(key));

/** BAD_USER_INPUT naming each issue, with `extensions.issues` for programs to map onto form fields. */
export function invalidInput(issues: InputIssue[]): AppError {
  const summary = issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return new AppError('BAD_USER_INPUT', `invalid input: ${summary}`, { issues });
}

/** Parses input with a zod schema; a failure is BAD_USER_INPUT naming each bad field (see inputIssues). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const { issues, result } = examine(schema, input);
  if (issues.length > 0 || !result.success) throw invalidInput(issues);
  return result.data;
}
