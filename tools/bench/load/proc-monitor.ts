import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

/**
 * Broker CPU and memory from /proc: the given root processes and all their
 * descendants (so a broker that forks workers is counted whole). CPU is
 * utime+stime deltas; RSS is VmRSS, polled every `intervalMs` for the peak.
 */
export class ProcMonitor {
  private timer: NodeJS.Timeout | undefined;
  peakRssBytes = 0;

  constructor(
    private readonly roots: () => number[],
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.peakRssBytes = Math.max(this.peakRssBytes, this.rssBytes());
    this.timer = setInterval(() => {
      this.peakRssBytes = Math.max(this.peakRssBytes, this.rssBytes());
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  resetPeak(): void {
    this.peakRssBytes = this.rssBytes();
  }

  pids(): number[] {
    const seen = new Set<number>();
    const visit = (pid: number): void => {
      if (seen.has(pid)) return;
      seen.add(pid);
      for (const child of childrenOf(pid)) visit(child);
    };
    for (const root of this.roots()) visit(root);
    return [...seen];
  }

  /** CPU seconds (user + system) used so far by the process tree. */
  cpuSeconds(): number {
    let ticks = 0;
    for (const pid of this.pids()) {
      const stat = readOr(`/proc/${pid}/stat`);
      if (!stat) continue;
      // Fields after the ")" closing the command name: state is #3 overall, utime #14, stime #15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    }
    return ticks / CLK_TCK;
  }

  rssBytes(): number {
    let kb = 0;
    for (const pid of this.pids()) {
      const m = /VmRSS:\s+(\d+) kB/.exec(readOr(`/proc/${pid}/status`));
      if (m) kb += Number(m[1]);
    }
    return kb * 1024;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    for (const c of readOr(`/proc/${pid}/task/${tid}/children`).split(' ')) if (c.trim()) out.push(Number(c));
  }
  return out;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Pids whose command line contains every one of `parts` (e.g. a nats-server on a given port). */
export function findPids(parts: string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = readOr(`/proc/${entry}/cmdline`).split('\0');
    if (parts.every((p) => args.includes(p))) out.push(Number(entry));
  }
  return out;
}

/** CPU seconds the whole machine spent busy (all cores, everything but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readOr('/proc/stat').split('\n')[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - (f[3] ?? 0) - (f[4] ?? 0)) / CLK_TCK;
}
