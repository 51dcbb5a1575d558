/**
 * Where the machine's CPU went during a stage, from /proc (Linux): the service (cluster primary
 * and workers), PostgreSQL (every backend, all databases), Redis, this load generator, and
 * everything else (other people's builds and tests on a shared machine show up there).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ; Linux reports /proc times in these everywhere that matters.

export type CpuGroup = 'service' | 'postgres' | 'redis' | 'loadGenerator' | 'other';

interface ProcTimes {
  comm: string;
  ppid: number;
  ticks: number;
}

export interface CpuSnapshot {
  at: number;
  busyTicks: number;
  totalTicks: number;
  procs: Map<number, ProcTimes>;
}

function readProcs(): Map<number, ProcTimes> {
  const procs = new Map<number, ProcTimes>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // fields[0] is state (field 3); utime and stime are fields 14 and 15.
      procs.set(Number(entry), { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited meanwhile
    }
  }
  return procs;
}

export function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    const busy = user + nice + system + irq + softirq + steal;
    return { at: Date.now(), busyTicks: busy, totalTicks: busy + idle + iowait, procs: readProcs() };
  } catch {
    return undefined;
  }
}

/** Share of the whole machine (all cores = 100 %) per group, and the machine's busy share. */
export interface CpuUsage {
  machineBusy: number;
  groups: Record<CpuGroup, number>;
  /** Cores' worth of CPU per group (1.0 = one core fully busy). */
  cores: Record<CpuGroup, number>;
}

export function cpuUsage(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined, servicePid: number | undefined): CpuUsage | undefined {
  if (!before || !after) return undefined;
  const total = after.totalTicks - before.totalTicks;
  if (total <= 0) return undefined;
  const isService = (pid: number, p: ProcTimes) => pid === servicePid || p.ppid === servicePid;
  const groupOf = (pid: number, p: ProcTimes): CpuGroup | undefined => {
    if (servicePid !== undefined && isService(pid, p)) return 'service';
    if (p.comm === 'postgres') return 'postgres';
    if (p.comm.startsWith('redis-server')) return 'redis';
    if (pid === process.pid) return 'loadGenerator';
    return undefined;
  };
  const ticks: Record<CpuGroup, number> = { service: 0, postgres: 0, redis: 0, loadGenerator: 0, other: 0 };
  for (const [pid, p] of after.procs) {
    const group = groupOf(pid, p);
    if (!group) continue;
    const prev = before.procs.get(pid);
    ticks[group] += p.ticks - (prev && prev.comm === p.comm ? prev.ticks : 0);
  }
  const busy = after.busyTicks - before.busyTicks;
  ticks.other = Math.max(0, busy - ticks.service - ticks.postgres - ticks.redis - ticks.loadGenerator);
  const seconds = (after.at - before.at) / 1000;
  const groups = {} as Record<CpuGroup, number>;
  const cores = {} as Record<CpuGroup, number>;
  for (const g of Object.keys(ticks) as CpuGroup[]) {
    groups[g] = ticks[g] / total;
    cores[g] = seconds > 0 ? ticks[g] / TICKS_PER_SECOND / seconds : 0;
  }
  return { machineBusy: busy / total, groups, cores };
}
