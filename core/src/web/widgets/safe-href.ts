/**
 * The URL itself when it is absolute http(s), else undefined. The SDK's validation already
 * refuses other schemes; the renderer checks again so a tree that skipped validation still
 * cannot put `javascript:` or `data:` into an href.
 */
export function safeHttpHref(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
}
