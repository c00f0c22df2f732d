/**
 * The browser side of our GraphiQL page, served as files so the page's Content-Security-Policy
 * can forbid inline scripts. Kept as strings: they run in the browser, not in Node.
 */

/** The element holding the page's options as JSON (a data block, which CSP does not execute). */
export const GRAPHIQL_OPTIONS_ELEMENT_ID = 'graphiql-options';

/**
 * Starts GraphiQL. Monaco's workers are loaded from the same folder as this script (yoga's own
 * page fetches them from a CDN and wraps them in blob: URLs, which a strict CSP refuses). The
 * query GraphiQL wrote into `?query=` wins over the default, so a reload keeps the work. The
 * browser test (test/src/graphiql.browser.test.ts) covers all of it, the refetch button's label
 * included.
 */
export const GRAPHIQL_BOOT_SCRIPT = `(function () {
  'use strict';
  var assets = document.currentScript.src.replace(/[^/]*$/, '');
  var workers = {
    editorWorkerService: 'monacoeditorwork/editor.worker.bundle.js',
    json: 'monacoeditorwork/json.worker.bundle.js',
    graphql: 'monacoeditorwork/graphql.worker..bundle.js'
  };
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) { return assets + (workers[label] || workers.editorWorkerService); }
  };
  document.addEventListener('DOMContentLoaded', function () {
    var options = JSON.parse(document.getElementById(${JSON.stringify(GRAPHIQL_OPTIONS_ELEMENT_ID)}).textContent);
    options.query = new URL(location.href).searchParams.get('query') || options.defaultQuery;
    // GraphiQL loads the schema (and so the docs) once, when the page opens, which is before a
    // newcomer has entered a key: load it again once the headers change and parse.
    var fetchedWith = options.headers;
    var timer;
    options.onEditHeaders = function (headers) {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (headers === fetchedWith) return;
        try { JSON.parse(headers); } catch (_notYet) { return; }
        var refetch = document.querySelector('[aria-label^="Re-fetch GraphQL schema"]');
        if (refetch) { fetchedWith = headers; refetch.click(); }
      }, 500);
    };
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
  });
})();
`;

/** A small local icon, so the browser asks neither GitHub (yoga's default) nor /favicon.ico. */
export const GRAPHIQL_FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">
<rect x="1" y="1" width="6" height="6" rx="1" fill="#e535ab"/><rect x="9" y="1" width="6" height="6" rx="1" fill="#3b82f6"/>
<rect x="1" y="9" width="6" height="6" rx="1" fill="#10b981"/><rect x="9" y="9" width="6" height="6" rx="1" fill="#f59e0b"/>
</svg>
`;
