import { z } from 'zod';
import { AppError } from '../lib/errors.js';
import { parseGlobalId } from '../lib/ids.js';
import { inputIssues, invalidInput, type InputIssue } from '../lib/validate.js';

/** The global-id fields of an input and the type each must name, e.g. `{ customerId: 'Customer' }`. */
export type IdFields = Record<string, string>;

const anything = z.object({});

/**
 * Checks a mutation's argument in one pass and returns it with its global ids decoded to local
 * ones. Malformed ids and ids of the wrong type are collected with the domain schema's and the
 * text rule's problems, so a client learns every problem at once; each issue's path starts at the
 * argument (`["input", "subject"]`). An id that decodes but names nothing this tenant has is the
 * domain's NOT_FOUND later, the same for a missing and a foreign row. The domain parses again:
 * it serves callers other than the API (plugins) and stays the one owner of its rules.
 */
export function decodeInput(
  argument: string, input: Record<string, unknown>, ids: IdFields, schema: z.ZodType = anything,
): Record<string, unknown> {
  const { decoded, issues } = examine(input, ids, schema);
  if (issues.length > 0) throw invalidInput(issues.map((i) => ({ ...i, path: [argument, ...i.path] })));
  return decoded;
}

/** A mutation's lone id argument (`routeCase(id:)`), decoded under the same rule. */
export function decodeIdArgument(argument: string, value: string, type: string): string {
  const { decoded, issues } = examine({ [argument]: value }, { [argument]: type }, anything);
  if (issues.length > 0) throw invalidInput(issues);
  return decoded[argument] as string;
}

const isInputIssue = (issue: unknown): issue is InputIssue =>
  typeof issue === 'object' && issue !== null && Array.isArray((issue as InputIssue).path) && typeof (issue as InputIssue).message === 'string';

/**
 * Runs a resolver whose input a lower layer (the plugin installer) validates under its own
 * names, and names every issue of its BAD_USER_INPUT from the argument down as `decodeInput`
 * does: `renamed` maps the layer's names back to the API's (`range` → `version`).
 */
export async function issuesUnder<T>(argument: string, run: () => Promise<T>, renamed: Record<string, string> = {}): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'BAD_USER_INPUT') throw error;
    const issues = error.details?.issues;
    if (!Array.isArray(issues) || !issues.every(isInputIssue)) throw error;
    const named = issues.map(({ path: [first, ...rest], message }) =>
      ({ path: [argument, ...(first === undefined ? [] : [renamed[first] ?? first]), ...rest], message }));
    throw new AppError('BAD_USER_INPUT', error.message, { ...error.details, issues: named });
  }
}

function examine(input: Record<string, unknown>, ids: IdFields, schema: z.ZodType) {
  const decoded: Record<string, unknown> = { ...input };
  const issues: InputIssue[] = [];
  for (const [field, type] of Object.entries(ids)) {
    const value = decoded[field];
    if (value === null || value === undefined) continue;
    const parsed = typeof value === 'string' ? parseGlobalId(value) : null;
    if (parsed?.type === type) decoded[field] = parsed.id;
    else issues.push({ path: [field], message: `is not a valid ${type} id` });
  }
  const badIds = new Set(issues.map((i) => i.path[0]));
  issues.push(...inputIssues(schema, decoded).filter((i) => !badIds.has(i.path[0]!)));
  return { decoded, issues };
}
