#!/usr/bin/env node
// Committed so `npm install` links the command on a fresh clone, before dist/ exists; the CLI
// itself is bundled to dist/ by `npm run build`.
import('../dist/cli.js').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    console.error('mosaic-plugin: the SDK is not built yet; run `npm run build` in the repository root first');
    process.exit(1);
  }
  throw err;
});
