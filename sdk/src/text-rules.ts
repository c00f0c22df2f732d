/**
 * One rule for text that clients and plugins send, shared by core (the GraphQL API, the domain's
 * input validation, the plugin host) and the SDK's test harness, so what is acknowledged is what
 * is read back. SQLite's C API cuts TEXT at a NUL on the way out and a lone surrogate has no
 * UTF-8 encoding (it is stored as U+FFFD), so both are refused rather than silently changed.
 */

/** Control characters (Unicode Cc) except tab, line feed and carriage return. */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Every control character: identifiers hold no line breaks or tabs either. */
const CONTROL_IN_IDENTIFIER = /[\u0000-\u001F\u007F-\u009F]/;
/** With the `u` flag a surrogate matches only when it is not half of a pair. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Characters an error message quotes of a value a client sent, at most. */
export const MAX_QUOTED_CHARS = 40;

/** Bytes of UTF-8 a plugin storage key or prefix may take (500 ASCII characters, as Forge allows). */
export const MAX_STORAGE_KEY_BYTES = 500;

/** Keys one `storage.getMany` call may read: enough for a page of parents, small enough for one SQL `IN`. */
export const MAX_STORAGE_KEYS_PER_READ = 100;
/** Core's and the test harness's refusal of a longer `getMany`, word for word. */
export const TOO_MANY_STORAGE_KEYS = `holds more than ${MAX_STORAGE_KEYS_PER_READ} keys; read at most ${MAX_STORAGE_KEYS_PER_READ} per call`;

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why `text` is not acceptable text input, or null when it is: well-formed Unicode with no
 * control characters other than tab, line feed and carriage return.
 *
 * @example
 * textProblem('line one\nline two'); // null
 * textProblem('ab\u0000cd'); // 'contains the control character U+0000; ...'
 */
export function textProblem(text: string): string | null {
  const control = CONTROL_IN_TEXT.exec(text);
  if (control) return `contains the control character ${codePoint(control[0])}; only tab, line feed and carriage return are allowed`;
  if (LONE_SURROGATE.test(text)) return 'is not well-formed Unicode (it holds a lone UTF-16 surrogate)';
  return null;
}

/**
 * Why `name` is not acceptable as an identifier a plugin chooses (a storage key, an event type),
 * or null: non-empty, well-formed Unicode, no control characters at all, at most `maxBytes` of
 * UTF-8 (the unit the database stores and quotas count).
 *
 * @example
 * identifierProblem('orders/2024-05', MAX_STORAGE_KEY_BYTES); // null
 * identifierProblem('a\tb', MAX_STORAGE_KEY_BYTES); // 'contains the control character U+0009'
 */
export function identifierProblem(name: string, maxBytes: number, { allowEmpty = false } = {}): string | null {
  if (name === '' && !allowEmpty) return 'must not be empty';
  const control = CONTROL_IN_IDENTIFIER.exec(name);
  if (control) return `contains the control character ${codePoint(control[0])}`;
  if (LONE_SURROGATE.test(name)) return 'is not well-formed Unicode (it holds a lone UTF-16 surrogate)';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > maxBytes) return `is ${bytes} bytes of UTF-8; the limit is ${maxBytes}`;
  return null;
}

/**
 * `text` with what the rule refuses replaced by U+FFFD, for channels that must never refuse
 * (a plugin's log line): the same rule, applied by repair instead of refusal.
 */
export function repairText(text: string): string {
  return text.replace(new RegExp(`${CONTROL_IN_TEXT.source}|${LONE_SURROGATE.source}`, 'gu'), '\uFFFD');
}

/**
 * At most `maxChars` of a value a client sent, with "…" when cut (never inside a surrogate pair),
 * for an error message: errors never echo a huge input back. For text already known printable.
 *
 * @example
 * excerpt('^1.2'); // '^1.2'
 */
export function excerpt(value: string, maxChars = MAX_QUOTED_CHARS): string {
  if (value.length <= maxChars) return value;
  return `${value.slice(0, maxChars).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/**
 * {@link excerpt}, JSON-quoted so control characters stay visible, with the full length when cut.
 *
 * @example
 * quoteExcerpt('x'.repeat(50_000)); // '"xxxx…" (50000 characters)'
 */
export function quoteExcerpt(value: string, maxChars = MAX_QUOTED_CHARS): string {
  const quoted = JSON.stringify(excerpt(value, maxChars));
  return value.length <= maxChars ? quoted : `${quoted} (${value.length} characters)`;
}

/** Where in a value a string breaks the text rule, and why. */
export interface TextIssue {
  path: Array<string | number>;
  problem: string;
}

/**
 * Every string in `value` (object keys included) checked with {@link textProblem}; the first
 * `max` problems with their paths. Iterative, so nesting cannot exhaust the stack.
 *
 * @example
 * textIssues({ lines: [{ name: 'a\u0000' }] }); // [{ path: ['lines', 0, 'name'], problem: '...' }]
 */
export function textIssues(value: unknown, max = 5): TextIssue[] {
  const issues: TextIssue[] = [];
  const pending: Array<[unknown, Array<string | number>]> = [[value, []]];
  for (let next = pending.pop(); next !== undefined && issues.length < max; next = pending.pop()) {
    const [v, path] = next;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem !== null) issues.push({ path, problem });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i -= 1) pending.push([v[i], [...path, i]]);
    } else if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
      for (const [key, item] of Object.entries(v).reverse()) {
        const problem = textProblem(key);
        if (problem !== null) issues.push({ path: [...path, key], problem: `key ${problem}` });
        pending.push([item, [...path, key]]);
      }
    }
  }
  return issues.slice(0, max);
}
