import { readFileSync } from "node:fs";

/**
 * What Linux says about a process and the machine, read from /proc so that
 * every server under test is measured the same way from outside.
 */
const TICKS_PER_SECOND = 100;

/** CPU time a process has used (user + system), in milliseconds. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a process, in bytes. */
export function processRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) * 1024;
  } catch {
    return Number.NaN;
  }
}

export type MachineTimes = { busyMs: number; stealMs: number; totalMs: number };

/** The whole machine's CPU time so far: busy (not idle or waiting), stolen by the hypervisor, and all. */
export function machineTimes(): MachineTimes {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [, ...values] = line.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number) as number[];
  const toMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
  const total = busy + (idle ?? 0) + (iowait ?? 0) + (steal ?? 0);
  return { busyMs: toMs(busy), stealMs: toMs(steal ?? 0), totalMs: toMs(total) };
}

/**
 * A window over which the benchmark's own processes and the machine are
 * measured: whatever CPU the machine spent beyond ours was someone else's
 * ("foreign"), and a window with much of it was disturbed.
 */
export class CpuWindow {
  private readonly startMachine = machineTimes();
  private readonly startOwn: Map<number, number>;
  private readonly startSelf = process.cpuUsage();
  private readonly startedAt = performance.now();

  constructor(private readonly pids: readonly number[]) {
    this.startOwn = new Map(pids.map((pid) => [pid, processCpuMs(pid)]));
  }

  /** CPU used by each watched process, the machine's foreign CPU and steal, as cores (CPU-seconds per second). */
  finish(): {
    seconds: number;
    cpuMsByPid: Map<number, number>;
    foreignCores: number;
    stealCores: number;
  } {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const machine = machineTimes();
    const cpuMsByPid = new Map<number, number>();
    let ownMs = 0;
    for (const pid of this.pids) {
      const used = processCpuMs(pid) - (this.startOwn.get(pid) ?? 0);
      cpuMsByPid.set(pid, used);
      if (Number.isFinite(used)) ownMs += used;
    }
    const self = process.cpuUsage(this.startSelf);
    ownMs += (self.user + self.system) / 1000;
    const foreignMs = Math.max(0, machine.busyMs - this.startMachine.busyMs - ownMs);
    const stealMs = machine.stealMs - this.startMachine.stealMs;
    return {
      seconds,
      cpuMsByPid,
      foreignCores: foreignMs / 1000 / seconds,
      stealCores: stealMs / 1000 / seconds,
    };
  }
}
