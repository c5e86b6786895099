/**
 * CPU time of a process (all its threads) from Linux /proc, in nanoseconds. Used to tell where a
 * call's time goes: in the gateway process, in the upstream server, or waiting on pipes. Returns
 * undefined where /proc is not available, so the benchmark still runs elsewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Sum of on-CPU time over every thread of `pid` (schedstat, ns), or undefined. */
export function cpuNs(pid: number): number | undefined {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
      total += Number(text.split(' ')[0]);
    }
    return Number.isFinite(total) ? total : undefined;
  } catch {
    return undefined;
  }
}

/** Direct children of `pid` (via /proc/<pid>/task/<tid>/children, else a scan of /proc). */
export function childPids(pid: number): number[] {
  try {
    const found: number[] = [];
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text !== '') found.push(...text.split(/\s+/).map(Number));
    }
    return found;
  } catch {
    // Older kernels without the children file: find processes whose parent is `pid`.
  }
  try {
    const found: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // Field 4 (ppid) follows the parenthesized command name, which may contain spaces.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[1]) === pid) found.push(Number(entry));
      } catch {
        // The process ended while we looked.
      }
    }
    return found;
  } catch {
    return [];
  }
}
