import type { z } from 'zod';

/** Zod issues as `label.path.to[0].field: message`, one line each, for people to act on. */
export function formatIssues(error: z.ZodError, label: string): string[] {
  return error.issues.map((issue) => `${label}${issue.path.map(segment).join('')}: ${issue.message}`);
}

const segment = (key: PropertyKey) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`);
