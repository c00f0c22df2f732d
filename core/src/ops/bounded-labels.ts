/** A GraphQL name: what an operation name may be; anything else is never a label. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/**
 * Keeps a client-chosen label (an operation name) from growing a metric without bound: the
 * first `cap` distinct names seen by this process are kept as they are, later new ones become
 * `other`, and a missing or malformed name is `anonymous`. Each label value is a time series in
 * every scraper, so a client sending random names must not create one per request.
 */
export class BoundedLabels {
  readonly #seen = new Set<string>();

  constructor(private readonly cap = 200) {}

  /** The label for `name`. */
  label(name: string | null | undefined): string {
    if (!name || !GRAPHQL_NAME.test(name)) return 'anonymous';
    if (this.#seen.has(name)) return name;
    if (this.#seen.size >= this.cap) return 'other';
    this.#seen.add(name);
    return name;
  }
}
