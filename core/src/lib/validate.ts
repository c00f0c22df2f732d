import type { z } from 'zod';
import { AppError } from './errors.js';

/** Parses input with a zod schema; a failure is BAD_USER_INPUT naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new AppError('BAD_USER_INPUT', `invalid input: ${summary}`, { issues });
}
