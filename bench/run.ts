/**
 * Runs the benchmarks named on the command line (all when none) and prints each one's markdown
 * report on stdout; progress goes to stderr. Exits non-zero if a benchmark threw or saw bad
 * responses — its table is printed anyway.
 *
 *   npm run bench                       # all
 *   npm run bench -- full-stack scale   # by name
 *   npm run bench -- plugins            # the plugin sandbox
 *   npm run bench -- mashups            # the 360 query with the first-party plugins' fields
 *   npm run bench -- web                # the console 360 page with plugin widgets; portal knowledge search
 *   npm run bench -- knowledge          # the knowledge search function over 50 000 rated articles; votes; deflection
 *   npm run bench -- ingest             # batched interaction imports (use-case, NDJSON) vs raw multi-row INSERTs
 *   npm run bench -- routing            # routing decisions per second: 200 agents, 10 000 waiting items
 *   npm run bench -- writes             # 8 clients of addInteraction and createCase: embedded file vs sqld, side by side
 */
import { fullStack } from './full-stack.js';
import { ingest } from './ingest.js';
import { knowledge } from './knowledge.js';
import type { BenchResult } from './lib.js';
import { mashups } from './mashups.js';
import { plugins } from './plugins.js';
import { routing } from './routing.js';
import { scale } from './scale.js';
import { web } from './web.js';
import { writes } from './writes.js';

const benchmarks: Record<string, () => Promise<BenchResult>> = {
  'full-stack': fullStack,
  scale,
  plugins,
  mashups,
  web,
  knowledge,
  ingest,
  routing,
  writes,
};

const requested = process.argv.slice(2).filter((a) => a !== '--');
const unknown = requested.filter((name) => !(name in benchmarks));
if (unknown.length) {
  process.stderr.write(`unknown benchmark: ${unknown.join(', ')} (known: ${Object.keys(benchmarks).join(', ')})\n`);
  process.exit(2);
}

const names = requested.length ? requested : Object.keys(benchmarks);
const { cpus: listCpus, loadavg } = await import('node:os');
const cpus = listCpus();
process.stdout.write(
  `## Mosaic benchmarks — ${new Date().toISOString()}, Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}\n\n`,
);

let failed = false;
for (const name of names) {
  try {
    const loadBefore = loadavg()[0]!;
    const { report, failures } = await benchmarks[name]!();
    // Other work on the machine skews everything; say how busy it was.
    const load = `Machine load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadavg()[0]!.toFixed(2)} on ${cpus.length} cores.`;
    process.stdout.write(`${report}\n\n${load}\n\n`);
    if (failures.length) {
      failed = true;
      process.stderr.write(`${name}: FAILED\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
    }
  } catch (err) {
    failed = true;
    process.stderr.write(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
