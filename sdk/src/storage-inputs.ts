import { Kind, parse, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { identifierProblem, MAX_STORAGE_KEY_BYTES, MAX_STORAGE_KEYS_PER_READ } from './text-rules.js';

/**
 * Storage inputs: the storage keys a field with a declared input reads for each parent, written
 * as templates over the input's top-level fields (`order:{id}`). The host reads those keys while
 * it resolves the input and sends their values with the call, so the resolver's first read of
 * each key answers inside the sandbox, without a host call. Like the declared input itself, this
 * is data the host fetches before plugin code runs (as Shopify Functions' input queries).
 */
export const STORAGE_INPUT_LIMITS = {
  /** Templates one field may declare. */
  templatesPerField: 8,
  /** Placeholders in one template. */
  placeholdersPerTemplate: 4,
  /** Keys read for one call, whatever the number of parents: the host's `getMany` limit. Keys past it are read by the plugin as usual. */
  keysPerCall: MAX_STORAGE_KEYS_PER_READ,
} as const;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A template's literal parts and the input fields it takes, in order: `order:{id}` → ['order:', ''] and ['id']. */
interface ParsedTemplate {
  literals: string[];
  fields: string[];
}

function parseTemplate(template: string): ParsedTemplate {
  const literals: string[] = [];
  const fields: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(last, match.index));
    fields.push(match[1]!);
    last = match.index + match[0].length;
  }
  literals.push(template.slice(last));
  return { literals, fields };
}

/**
 * What is wrong with the storage inputs of `coordinate` (`Type.field`), as `storageInputs.Type.field: …`
 * lines: the field must have a declared input (`inputText`), every placeholder must name a
 * top-level scalar field it selects, and each template must make a valid storage key.
 */
export function storageInputProblems(coordinate: string, templates: readonly string[], inputText: string | undefined): string[] {
  const at = (problem: string) => `storageInputs.${coordinate}: ${problem}`;
  if (inputText === undefined) return [at(`declares storage keys but no input; add inputs.${coordinate} (the keys are made from its fields)`)];
  if (templates.length > STORAGE_INPUT_LIMITS.templatesPerField) return [at(`declares ${templates.length} keys; the limit is ${STORAGE_INPUT_LIMITS.templatesPerField}`)];
  const selected = topLevelLeaves(inputText);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const template of templates) {
    if (seen.has(template)) problems.push(at(`"${template}" is declared twice`));
    seen.add(template);
    const { literals, fields } = parseTemplate(template);
    if (literals.some((text) => text.includes('{') || text.includes('}'))) {
      problems.push(at(`"${template}": braces may only enclose an input field's name, as in order:{id}`));
      continue;
    }
    if (fields.length > STORAGE_INPUT_LIMITS.placeholdersPerTemplate) {
      problems.push(at(`"${template}" has ${fields.length} placeholders; the limit is ${STORAGE_INPUT_LIMITS.placeholdersPerTemplate}`));
    }
    for (const field of fields) {
      if (!selected.has(field)) problems.push(at(`"${template}" names {${field}}, which is not a top-level scalar field of the declared input`));
    }
    const keyProblem = identifierProblem(literals.join(''), MAX_STORAGE_KEY_BYTES, { allowEmpty: fields.length > 0 });
    if (keyProblem !== null) problems.push(at(`"${template}" ${keyProblem}`));
  }
  return problems;
}

/** Response names of the leaf fields the input's first fragment selects at its top level. */
function topLevelLeaves(inputText: string): Set<string> {
  const names = new Set<string>();
  let main: FragmentDefinitionNode | undefined;
  try {
    main = parse(inputText, { noLocation: true }).definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  } catch {
    return names; // the input's own check reports why it does not parse
  }
  const collect = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else if (selection.kind === Kind.FIELD && !selection.selectionSet) names.add(selection.alias?.value ?? selection.name.value);
    }
  };
  if (main) collect(main.selectionSet);
  return names;
}

/**
 * The keys `templates` make for `parents` (each a declared input's value), in order and without
 * repeats, at most `max`. A parent whose field is missing, not a string or finite number, or
 * which makes a key the storage rules refuse, makes no key from that template: the plugin's own
 * read of it then fails or succeeds as it would have.
 */
export function storageKeysOf(templates: readonly string[], parents: readonly unknown[], max: number = STORAGE_INPUT_LIMITS.keysPerCall): string[] {
  const keys = new Set<string>();
  const parsed = templates.map(parseTemplate);
  for (const parent of parents) {
    if (parent === null || typeof parent !== 'object') continue;
    for (const { literals, fields } of parsed) {
      let key = literals[0]!;
      let ok = true;
      for (let i = 0; i < fields.length && ok; i++) {
        const field = fields[i]!;
        const value = Object.hasOwn(parent, field) ? (parent as Record<string, unknown>)[field] : undefined;
        ok = typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
        key += String(value) + literals[i + 1]!;
      }
      if (!ok || keys.has(key) || identifierProblem(key, MAX_STORAGE_KEY_BYTES) !== null) continue;
      keys.add(key);
      if (keys.size >= max) return [...keys];
    }
  }
  return [...keys];
}
