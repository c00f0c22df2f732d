import { EgressError } from './errors.js';

/** `{{secret:NAME}}` — only ever substituted in request header values. */
const PLACEHOLDER = /\{\{\s*secret:([A-Za-z0-9_.-]+)\s*\}\}/g;
const PLACEHOLDER_START = /\{\{\s*secret:/;

export const hasSecretPlaceholder = (text: string): boolean => PLACEHOLDER_START.test(text);

export interface InjectedHeaders {
  headers: Record<string, string>;
  /** Lower-cased names of headers that carried a secret; dropped on cross-origin redirects. */
  secretBearing: Set<string>;
}

/**
 * Replaces placeholders in header values with the operator's secrets, so the plugin can use a
 * credential without ever holding it. Unknown names fail loudly (naming the secret, never a value).
 */
export function injectSecrets(
  headers: Record<string, string>,
  secrets: Record<string, string> = {},
): InjectedHeaders {
  const out: Array<[string, string]> = [];
  const secretBearing = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    let used = false;
    const injected = value.replace(PLACEHOLDER, (_, key: string) => {
      if (!Object.hasOwn(secrets, key)) {
        throw new EgressError(
          'EGRESS_BAD_REQUEST',
          `header '${name}' refers to secret '${key}', which is not configured for this plugin installation`,
        );
      }
      used = true;
      return secrets[key]!;
    });
    if (hasSecretPlaceholder(value.replace(PLACEHOLDER, ''))) {
      throw new EgressError(
        'EGRESS_BAD_REQUEST',
        `header '${name}' has a malformed secret placeholder; use {{secret:NAME}} with letters, digits, '_', '.' or '-'`,
      );
    }
    if (used) secretBearing.add(name.toLowerCase());
    out.push([name, injected]);
  }
  return { headers: Object.fromEntries(out), secretBearing };
}

/**
 * Removes every secret value (raw and URL-encoded, since errors often quote URLs) from text.
 * Longest first, so a secret that contains another is removed whole.
 */
export function redact(text: string, secrets: Record<string, string> = {}): string {
  const needles: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (!value) continue;
    const mark = `[redacted:${name}]`;
    needles.push([value, mark]);
    for (const encoded of encodings(value)) {
      if (encoded !== value) needles.push([encoded, mark]);
    }
  }
  needles.sort((a, b) => b[0].length - a[0].length);
  let out = text;
  for (const [needle, mark] of needles) out = out.split(needle).join(mark);
  return out;
}

/** The forms a value takes when quoted inside a URL, by hand or by the WHATWG serializer. */
function encodings(value: string): Set<string> {
  const forms = new Set([encodeURIComponent(value), encodeURI(value)]);
  try {
    forms.add(new URL(`http://h/${value}`).pathname.slice(1));
    forms.add(new URL(`http://h/?${value}`).search.slice(1));
  } catch {
    // Unparseable as path or query: the hand-encoded forms above still apply.
  }
  return forms;
}
