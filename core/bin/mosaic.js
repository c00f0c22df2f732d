#!/usr/bin/env node
// The CLI is bundled to dist/ by `npm run build` (run by `npm start` and `npm test`).
// graphql-js checks every instanceof across realms unless NODE_ENV is production (a few percent
// of a request's CPU); set before the bundle loads, and only where the deployment set nothing.
process.env.NODE_ENV ??= 'production';
import('../dist/cli.js').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    console.error('mosaic: not built yet; run `npm run build` in the repository root first');
    process.exit(1);
  }
  throw err;
});
