#!/usr/bin/env node
// The repository's scripts run turbo through here so it never sends usage telemetry: turbo has
// no repository-level switch, only its environment variables (or a per-user `turbo telemetry disable`).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const turbo = createRequire(import.meta.url).resolve('turbo/bin/turbo');
const { status, signal } = spawnSync(process.execPath, [turbo, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
});
process.exit(status ?? (signal ? 1 : 0));
