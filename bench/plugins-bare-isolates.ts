/**
 * The floor under a warm installation's memory: in a fresh process, `count` bare isolates (the
 * sandbox's memory limit), each with a context and no code run in it, kept alive together. Sends
 * the RSS growth per isolate to the parent (forked by plugins-isolate.ts `bareIsolateRss`).
 */
import { readFileSync } from 'node:fs';
import ivm from 'isolated-vm';
import { DEFAULT_LIMITS } from '../core/sandbox/src/limits.js';

const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const count = Number(process.argv[2]);
const kept: { isolate: ivm.Isolate; context: ivm.Context }[] = [];
const before = rss();
for (let i = 0; i < count; i++) {
  const isolate = new ivm.Isolate({ memoryLimit: DEFAULT_LIMITS.memoryMb });
  kept.push({ isolate, context: await isolate.createContext() });
}
process.send!({ perIsolateBytes: (rss() - before) / count, isolates: kept.length });
