import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time a process and all its descendants have used so far (user + system, Linux /proc), in ms.
 * The server child's plugin sandboxes run in worker processes of their own, so the whole tree is
 * what a request costs. CPU time, unlike latency, hardly moves when other work shares the cores.
 */
export function treeCpuMs(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // The command name may hold spaces and parentheses: the fields start after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After the name: state(3) ppid(4) … utime(14) stime(15), numbered as in proc(5).
    stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
  }
  const tree = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, { ppid }] of stats) if (!tree.has(pid) && tree.has(ppid)) tree.add(pid), (grew = true);
  }
  let ticks = 0;
  for (const pid of tree) ticks += stats.get(pid)?.ticks ?? 0;
  // USER_HZ is 100 on every Linux this runs on.
  return ticks * 10;
}
