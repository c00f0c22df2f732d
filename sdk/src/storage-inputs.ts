import { Kind, parse, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { identifierProblem, MAX_STORAGE_KEY_BYTES, MAX_STORAGE_KEYS_PER_READ } from './text-rules.js';

/**
 * Storage inputs: the storage keys a field with a declared input reads for each parent, written
 * as templates over the input's top-level fields (`order:{id}`). The host reads those keys while
 * it resolves the input and sends their values with the call, so the resolver's first read of
 * each key answers inside the sandbox, without a host call. Like the declared input itself, this
 * is data the host fetches before plugin code runs (as Shopify Functions' input queries).
 *
 * A template may also follow what another key holds: `summary:{order:{id}[]}` reads `order:{id}`,
 * and for each string it holds (a JSON array of strings, or one string) the key `summary:<it>`.
 * That is the index-then-records read (an order's parcels, then each parcel) in one step.
 */
export const STORAGE_INPUT_LIMITS = {
  /** Templates one field may declare. */
  templatesPerField: 8,
  /** Placeholders in one template. */
  placeholdersPerTemplate: 4,
  /** Keys read for one call, whatever the number of parents: the host's `getMany` limit. Keys past it are read by the plugin as usual. */
  keysPerCall: MAX_STORAGE_KEYS_PER_READ,
  /** Keys followed templates add to a call, as many again: an index and the records it names. */
  followedPerCall: MAX_STORAGE_KEYS_PER_READ,
  /** A followed key's value longer than this (bytes of JSON) is not followed: an index of names is small. */
  followedValueBytes: 4_096,
} as const;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FOLLOWED = '[]';

/** A template's literal parts and the input fields it takes, in order: `order:{id}` → ['order:', ''] and ['id']. */
interface ParsedTemplate {
  literals: string[];
  fields: string[];
}

/** `prefix{inner[]}suffix`: a key for each string stored at the key `inner` makes. */
interface FollowedTemplate {
  prefix: string;
  suffix: string;
  inner: ParsedTemplate;
}

type Template = { plain: ParsedTemplate } | { followed: FollowedTemplate };

/** Brace-delimited parts of a template, a brace pair inside one allowed (`{order:{id}[]}`); null when the braces do not pair. */
function splitBraces(template: string): { literals: string[]; placeholders: string[] } | null {
  const literals: string[] = [];
  const placeholders: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    if (char === '{') {
      if (depth === 0) {
        literals.push(template.slice(start, i));
        start = i + 1;
      }
      if (++depth > 2) return null;
    } else if (char === '}') {
      if (--depth < 0) return null;
      if (depth === 0) {
        placeholders.push(template.slice(start, i));
        start = i + 1;
      }
    }
  }
  if (depth !== 0) return null;
  literals.push(template.slice(start));
  return { literals, placeholders };
}

function parsePlain(template: string): ParsedTemplate | null {
  const split = splitBraces(template);
  if (!split || !split.placeholders.every((name) => FIELD_NAME.test(name))) return null;
  return { literals: split.literals, fields: split.placeholders };
}

function parseTemplate(template: string): Template | null {
  const split = splitBraces(template);
  if (!split) return null;
  const followed = split.placeholders.filter((p) => p.endsWith(FOLLOWED) && !FIELD_NAME.test(p));
  if (followed.length === 0) {
    const plain = parsePlain(template);
    return plain && { plain };
  }
  // One followed key and nothing else to fill in: `prefix{inner[]}suffix`.
  if (split.placeholders.length !== 1) return null;
  const inner = parsePlain(followed[0]!.slice(0, -FOLLOWED.length));
  return inner && { followed: { prefix: split.literals[0]!, suffix: split.literals[1]!, inner } };
}

const BRACES = 'braces may only enclose an input field\'s name, as in order:{id}, or one key to follow and [], as in summary:{order:{id}[]}';

/**
 * What is wrong with the storage inputs of `coordinate` (`Type.field`), as `storageInputs.Type.field: …`
 * lines: the field must have a declared input (`inputText`), every placeholder must name a
 * top-level scalar field it selects, and each template (and each followed key) must make a
 * valid storage key.
 */
export function storageInputProblems(coordinate: string, templates: readonly string[], inputText: string | undefined): string[] {
  const at = (problem: string) => `storageInputs.${coordinate}: ${problem}`;
  if (inputText === undefined) return [at(`declares storage keys but no input; add inputs.${coordinate} (the keys are made from its fields)`)];
  if (templates.length > STORAGE_INPUT_LIMITS.templatesPerField) return [at(`declares ${templates.length} keys; the limit is ${STORAGE_INPUT_LIMITS.templatesPerField}`)];
  const selected = topLevelLeaves(inputText);
  const problems: string[] = [];
  const seen = new Set<string>();
  const checkPlain = (template: string, { literals, fields }: ParsedTemplate) => {
    if (fields.length > STORAGE_INPUT_LIMITS.placeholdersPerTemplate) {
      problems.push(at(`"${template}" has ${fields.length} placeholders; the limit is ${STORAGE_INPUT_LIMITS.placeholdersPerTemplate}`));
    }
    for (const field of fields) {
      if (!selected.has(field)) problems.push(at(`"${template}" names {${field}}, which is not a top-level scalar field of the declared input`));
    }
    const keyProblem = identifierProblem(literals.join(''), MAX_STORAGE_KEY_BYTES, { allowEmpty: fields.length > 0 });
    if (keyProblem !== null) problems.push(at(`"${template}" ${keyProblem}`));
  };
  for (const template of templates) {
    if (seen.has(template)) problems.push(at(`"${template}" is declared twice`));
    seen.add(template);
    const parsed = parseTemplate(template);
    if (!parsed) problems.push(at(`"${template}": ${BRACES}`));
    else if ('plain' in parsed) checkPlain(template, parsed.plain);
    else {
      const { prefix, suffix, inner } = parsed.followed;
      checkPlain(template, inner);
      const keyProblem = identifierProblem(prefix + suffix, MAX_STORAGE_KEY_BYTES, { allowEmpty: true });
      if (keyProblem !== null) problems.push(at(`"${template}" ${keyProblem}`));
    }
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
 * What the host reads for one call: `keys` (each template's key for each parent, and the key each
 * followed template reads first), then for each `follow` the keys the strings stored at its `key` make.
 */
export interface StorageReadPlan {
  keys: string[];
  follow: { key: string; prefix: string; suffix: string }[];
}

/** The key `template` makes for `parent`, or null when a field is missing or not a string or finite number. */
function keyOf({ literals, fields }: ParsedTemplate, parent: object): string | null {
  let key = literals[0]!;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const value = Object.hasOwn(parent, field) ? (parent as Record<string, unknown>)[field] : undefined;
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) return null;
    key += String(value) + literals[i + 1]!;
  }
  return key;
}

/**
 * The keys `templates` make for `parents` (each a declared input's value), in order and without
 * repeats, at most `max`, and the keys to follow. A parent whose field is missing, not a string
 * or finite number, or which makes a key the storage rules refuse, makes no key from that
 * template: the plugin's own read of it then fails or succeeds as it would have.
 */
export function storageReadPlan(templates: readonly string[], parents: readonly unknown[], max: number = STORAGE_INPUT_LIMITS.keysPerCall): StorageReadPlan {
  const keys = new Set<string>();
  const follow: StorageReadPlan['follow'] = [];
  const parsed = templates.flatMap((t) => parseTemplate(t) ?? []);
  for (const parent of parents) {
    if (parent === null || typeof parent !== 'object') continue;
    for (const template of parsed) {
      const key = keyOf('plain' in template ? template.plain : template.followed.inner, parent);
      if (key === null || identifierProblem(key, MAX_STORAGE_KEY_BYTES) !== null) continue;
      if ('followed' in template) follow.push({ key, prefix: template.followed.prefix, suffix: template.followed.suffix });
      if (keys.has(key)) continue;
      keys.add(key);
      if (keys.size >= max) return { keys: [...keys], follow };
    }
  }
  return { keys: [...keys], follow };
}

/**
 * A followed key's stored value (its JSON text) as `followedKeys` takes it: parsed, or undefined
 * when absent, null, or longer than STORAGE_INPUT_LIMITS.followedValueBytes.
 */
export function followableValue(json: string | undefined): unknown {
  const limit = STORAGE_INPUT_LIMITS.followedValueBytes;
  // UTF-16 length never exceeds UTF-8 bytes: a longer string is over the limit without counting.
  if (json === undefined || json.length > limit || Buffer.byteLength(json, 'utf8') > limit) return undefined;
  return (JSON.parse(json) as unknown) ?? undefined;
}

/**
 * The keys `plan.follow` makes from the values its keys hold (`valueOf`: the parsed value, or
 * undefined when absent or too long to follow), other than `plan.keys`, at most `max`. A value
 * that is neither a string nor an array makes none; elements other than strings, and keys the
 * storage rules refuse, are skipped.
 */
export function followedKeys(plan: StorageReadPlan, valueOf: (key: string) => unknown, max: number = STORAGE_INPUT_LIMITS.followedPerCall): string[] {
  const seen = new Set(plan.keys);
  const out: string[] = [];
  for (const { key, prefix, suffix } of plan.follow) {
    const value = valueOf(key);
    for (const part of Array.isArray(value) ? value : [value]) {
      if (out.length >= max) return out;
      if (typeof part !== 'string') continue;
      const made = prefix + part + suffix;
      if (seen.has(made) || identifierProblem(made, MAX_STORAGE_KEY_BYTES) !== null) continue;
      seen.add(made);
      out.push(made);
    }
  }
  return out;
}
