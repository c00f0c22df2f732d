import { textIssues } from '@mosaic/sdk/schema';
import type { z } from 'zod';
import { AppError } from './errors.js';

/**
 * Parses input with a zod schema; a failure is BAD_USER_INPUT naming each bad field. Every string
 * in the input (object keys too) must also pass the platform's text rule (no control characters
 * but tab and line breaks, well-formed Unicode), so what is stored is what will be read back.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const textual = textIssues(input).map((i) => ({ path: i.path.join('.'), message: i.problem }));
  const result = schema.safeParse(input);
  if (result.success && textual.length === 0) return result.data;
  const parsed = result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const issues = [...textual, ...parsed.filter((p) => !textual.some((t) => t.path === p.path))];
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new AppError('BAD_USER_INPUT', `invalid input: ${summary}`, { issues });
}
