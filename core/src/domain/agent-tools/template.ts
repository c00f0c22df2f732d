import { AppError } from '../../lib/errors.js';

/**
 * The variables a canned response may use. Rendering looks values up in a plain map: no
 * expressions, no helpers, nothing a template could run.
 */
export const TEMPLATE_VARIABLES = [
  'customer.name', 'customer.email', 'customer.phone',
  'case.number', 'case.subject', 'case.status', 'case.priority',
  'agent.name', 'agent.email',
  'order.number', 'order.status',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string | number | null>>;

/** Longest template accepted; with each value capped below, a rendering stays bounded. */
export const MAX_TEMPLATE_LENGTH = 10_000;
/** A value longer than this is cut (a customer name cannot blow a reply up). */
export const MAX_VALUE_LENGTH = 300;
/** At most this many variables in one template. */
export const MAX_TEMPLATE_VARIABLES = 100;

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const known = new Set<string>(TEMPLATE_VARIABLES);

/**
 * The variables `template` uses, checked: TEMPLATE_INVALID for an unknown variable, for braces
 * that are not a variable (`{{`, `}}` left over) and past MAX_TEMPLATE_VARIABLES.
 */
export function templateVariables(template: string): TemplateVariable[] {
  const used: TemplateVariable[] = [];
  const unknown: string[] = [];
  for (const [, inner] of template.matchAll(PLACEHOLDER)) {
    const name = inner!.trim();
    if (known.has(name)) used.push(name as TemplateVariable);
    else unknown.push(name);
  }
  const rest = template.replace(PLACEHOLDER, '');
  if (unknown.length) {
    throw new AppError('TEMPLATE_INVALID', `unknown template variable${unknown.length > 1 ? 's' : ''}: ${unknown.map((u) => `{{${u}}}`).join(', ')}`, { unknown, variables: [...TEMPLATE_VARIABLES] });
  }
  if (rest.includes('{{') || rest.includes('}}')) {
    throw new AppError('TEMPLATE_INVALID', 'unmatched {{ or }}: variables are written {{customer.name}}', { variables: [...TEMPLATE_VARIABLES] });
  }
  if (used.length > MAX_TEMPLATE_VARIABLES) throw new AppError('TEMPLATE_INVALID', `at most ${MAX_TEMPLATE_VARIABLES} variables in one template`);
  return [...new Set(used)];
}

/**
 * Fills a checked template with `values` as plain text (nothing is escaped: the output is text,
 * never markup). A variable without a value renders empty; each value is cut at MAX_VALUE_LENGTH.
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  templateVariables(template);
  return template.replace(PLACEHOLDER, (_, inner: string) => {
    const value = values[inner.trim() as TemplateVariable];
    return value === null || value === undefined ? '' : String(value).slice(0, MAX_VALUE_LENGTH);
  });
}
