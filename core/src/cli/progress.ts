/**
 * Progress of long work on stderr: a self-rewriting line on a terminal, a line per tenth
 * otherwise (so CI logs stay short).
 */
export function progressReporter(label: string) {
  const tty = process.stderr.isTTY;
  const lastTenth = new Map<string, number>();
  return (p: { phase: string; done: number; total: number }) => {
    const pct = p.total ? Math.floor((p.done / p.total) * 100) : 100;
    if (tty) {
      process.stderr.write(`\r${label} ${p.phase}: ${p.done.toLocaleString()}/${p.total.toLocaleString()} (${pct}%)\u001b[K`);
      if (p.done >= p.total) process.stderr.write('\n');
      return;
    }
    const tenth = Math.floor(pct / 10);
    if (lastTenth.get(p.phase) === tenth) return;
    lastTenth.set(p.phase, tenth);
    process.stderr.write(`${label} ${p.phase}: ${p.done}/${p.total} (${pct}%)\n`);
  };
}
