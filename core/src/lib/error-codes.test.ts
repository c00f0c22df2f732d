import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors.js';
import { packageRoot } from './package-root.js';

const root = packageRoot();
/** Codes answered by the libraries in front of our code (yoga's request checks, the executor). */
const LIBRARY_CODES = ['BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE'];
/**
 * Folders whose codes are what plugin code sees from host capabilities (EGRESS_…, QUOTA_…): a
 * plugin that does not handle them fails with PLUGIN_FAILED, which is what a client sees.
 */
const PLUGIN_FACING = ['src/plugins/egress/', 'src/plugins/host/'];
/** The CLI's own codes (`mosaic: CODE: reason`) are for operators: README's CLI section names them. */
const CLI_FACING = 'src/cli/';
const CODE_PATTERNS = [
  /AppError\(\s*'([A-Z][A-Z_]+)'/g,
  /\bcode: '([A-Z][A-Z_]+)'/g,
  /errorResponse\(c, \d+, '([A-Z][A-Z_]+)'/g,
  /withCode\(\w+, '([A-Z][A-Z_]+)'\)/g,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.test\.ts$|test-|fixture/.test(entry.name) ? [path] : [];
  });
}

const readme = () => readFileSync(join(root, '..', 'README.md'), 'utf8');

/** The backquoted codes of README's "Every error carries `extensions.code`" bullet. */
function documentedCodes(): Set<string> {
  const text = readme();
  const start = text.indexOf('- Every error carries `extensions.code`');
  expect(start, 'README lists the error codes').toBeGreaterThan(0);
  const bullet = text.slice(start, text.indexOf('\n- ', start + 1));
  return new Set([...bullet.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]!));
}

describe('error codes', () => {
  it('every code a client can see is in README\'s list', () => {
    const seen = new Map<string, string>(); // code → where
    for (const code of [...ERROR_CODES, ...LIBRARY_CODES]) seen.set(code, 'ERROR_CODES / libraries');
    for (const file of sourceFiles(join(root, 'src'))) {
      const where = relative(root, file);
      if (PLUGIN_FACING.some((dir) => where.startsWith(dir)) || where.startsWith(CLI_FACING)) continue;
      const text = readFileSync(file, 'utf8');
      for (const pattern of CODE_PATTERNS) for (const [, code] of text.matchAll(pattern)) if (!seen.has(code!)) seen.set(code!, where);
    }
    const documented = documentedCodes();
    const missing = [...seen].filter(([code]) => !documented.has(code)).map(([code, where]) => `${code} (${where})`);
    expect(missing).toEqual([]);
    expect(seen.size).toBeGreaterThan(12);
  });

  it('every code the CLI prints is named in README', () => {
    const text = readme();
    const cliCodes = new Set<string>();
    for (const file of sourceFiles(join(root, CLI_FACING))) {
      for (const [, codes] of readFileSync(file, 'utf8').matchAll(/readonly code: ((?:'[A-Z_]+'(?: \| )?)+)/g)) {
        for (const [, code] of codes!.matchAll(/'([A-Z_]+)'/g)) cliCodes.add(code!);
      }
      for (const [, code] of readFileSync(file, 'utf8').matchAll(/new CliError\(\s*'([A-Z][A-Z_]+)'/g)) cliCodes.add(code!);
    }
    expect(cliCodes.size).toBeGreaterThan(0);
    expect([...cliCodes].filter((code) => !new RegExp(`\\b${code}\\b`).test(text))).toEqual([]);
  });
});
