import { Kind, parse, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { OPTIONAL_DIRECTIVE } from './input-rules.js';
import { HarnessError } from './test-errors.js';

/**
 * What the host would send for a declared input, from the test's parents: each field the
 * selection names (aliases, inline fragments and spread fragments followed), nothing else. The
 * test's parents stand in for core's resolvers, so a field they lack is the test's mistake.
 */
export function projectDeclaredInput(coordinate: string, text: string, parents: readonly unknown[]): unknown[] {
  const document = parse(text, { noLocation: true });
  const fragments = new Map(document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
    .map((f) => [f.name.value, f]));
  const main = [...fragments.values()][0];
  if (!main) throw new HarnessError(`the input of ${coordinate} has no fragment`);
  return parents.map((parent, i) => project(main.selectionSet, parent, `parents[${i}]`));

  function project(set: SelectionSetNode, value: unknown, path: string): unknown {
    if (value === null) return null;
    if (Array.isArray(value)) return value.map((item, i) => project(set, item, `${path}[${i}]`));
    if (typeof value !== 'object') throw new HarnessError(`${path} is ${typeof value}, but the input of ${coordinate} selects fields of it`);
    const out: Record<string, unknown> = {};
    fill(set, value as Record<string, unknown>, out, path);
    return out;
  }

  function fill(set: SelectionSetNode, source: Record<string, unknown>, out: Record<string, unknown>, path: string): void {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) fill(selection.selectionSet, source, out, path);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) fill(fragments.get(selection.name.value)!.selectionSet, source, out, path);
      else {
        const name = selection.name.value;
        const key = selection.alias?.value ?? name;
        if (name === '__typename') {
          out[key] = source.__typename ?? coordinate.split('.')[0];
          continue;
        }
        if (!(name in source)) {
          // Another plugin's field the input can do without: absent, as where that plugin is not installed.
          if (selection.directives?.some((d) => d.name.value === OPTIONAL_DIRECTIVE)) continue;
          throw new HarnessError(`${path} has no ${name}, which the input of ${coordinate} selects; give the test's parent that field`);
        }
        out[key] = selection.selectionSet ? project(selection.selectionSet, source[name], `${path}.${name}`) : source[name];
      }
    }
  }
}
