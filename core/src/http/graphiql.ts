import { parse, print } from 'graphql';
import type { Context } from 'hono';
import type { GraphiQLOptions } from 'graphql-yoga';
import type { MosaicYoga } from '../graphql/yoga.js';
import type { AppEnv } from './authenticate.js';
import { graphiqlAsset } from './graphiql-assets.js';
import { GRAPHIQL_OPTIONS_ELEMENT_ID } from './graphiql-boot.js';

/** The README's first query: a few customers with their recent timeline. */
export const SAMPLE_QUERY = `{
  customers(first: 3) {
    edges { node { id name email
      timeline(first: 5) { edges { kind at node { __typename } } } } }
  }
}
`;

/**
 * What GraphiQL opens with: where to find a key, then the sample query laid out one field per
 * line (the README keeps it compact). Comment lines fit the editor in a 1280-pixel window.
 */
const DEFAULT_QUERY = `# Mosaic GraphQL: one API over the customer 360.
#
# Every request needs an API key. The demo
# tenant's keys are printed on first start and
# saved to data/demo-credentials.json
# (in the data folder, MOSAIC_DATA_DIR).
# Put the admin key in the Headers tab below:
#   {"Authorization": "Bearer <admin key>"}
# and press Ctrl-Enter. The book icon: the docs.

${print(parse(SAMPLE_QUERY))}
`;

/** yoga's `graphiql` option: the options our page hands to GraphiQL in the browser. */
export const graphiqlOptions = {
  title: 'Mosaic GraphQL',
  defaultQuery: DEFAULT_QUERY,
  headers: JSON.stringify({ Authorization: 'Bearer <admin key>' }, null, 2),
} satisfies GraphiQLOptions;

/**
 * Only this server: scripts, styles, workers and requests. Monaco adds `<style>` elements at run
 * time without a nonce, hence 'unsafe-inline' for styles (never for scripts); its icon font is a
 * data: URL inside graphiql.css.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  'font-src data:',
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** JSON that cannot end the `<script>` element it sits in. */
const jsonForScript = (value: unknown) => JSON.stringify(value).replace(/[<>&]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * yoga's `renderGraphiQL`: yoga's page, but every asset comes from this server (see
 * graphiql-assets.ts) and nothing runs inline, so the CSP above can hold.
 */
export function renderGraphiQLPage(options: GraphiQLOptions): string {
  const title = escapeHtml(options.title ?? graphiqlOptions.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="${graphiqlAsset('favicon.svg')}">
<link rel="stylesheet" href="${graphiqlAsset('graphiql.css')}">
<script type="application/json" id="${GRAPHIQL_OPTIONS_ELEMENT_ID}">${jsonForScript(options)}</script>
<script src="${graphiqlAsset('mosaic-graphiql.js')}"></script>
<script src="${graphiqlAsset('yoga-graphiql.umd.js')}"></script>
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root">Loading ${title}…</div>
</body>
</html>
`;
}

/**
 * Answers a browser's GET /graphql with the GraphiQL page, before authentication: the page is
 * public, the operations it sends carry their own key. `?query=` (which GraphiQL writes into the
 * URL) is only shown in the editor, never executed here.
 */
export async function serveGraphiQLPage(c: Context<AppEnv>, yoga: MosaicYoga): Promise<Response> {
  const page = await yoga.fetch(c.req.raw, {} as never);
  const headers = new Headers(page.headers);
  if ((headers.get('content-type') ?? '').startsWith('text/html')) {
    headers.set('content-type', 'text/html; charset=utf-8');
    headers.set('content-security-policy', GRAPHIQL_CSP);
    headers.set('cache-control', 'no-cache');
    headers.set('referrer-policy', 'no-referrer');
    headers.set('x-content-type-options', 'nosniff');
  }
  return new Response(page.body, { status: page.status, headers });
}
