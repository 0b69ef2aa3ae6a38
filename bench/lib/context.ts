import type { Generator, MergedLoad } from "./generator";
import type { PreviousBuild } from "./previous-build";
import { CpuWindow, processRssBytes } from "./proc-stats";
import type { Target, TargetOptions } from "./targets";
import type { TargetKind } from "./wire";

/** How a benchmark run is shaped: the full run, or the quick one for development. */
export type BenchSettings = {
  quick: boolean;
  /** Runs of each key point. */
  repeats: number;
  /** Load-generator processes. */
  generatorProcesses: number;
  /** Scrollback's start command (node arguments); the production bundle unless a test says otherwise. */
  scrollbackEntry?: string[];
  /** The build this one is compared with, side by side in one run; none with --no-previous. */
  previous?: PreviousBuild;
  /** Foreign CPU (cores) above which a measured window counts as disturbed and is run again. */
  disturbedForeignCores: number;
  /** Extra attempts for a disturbed window. */
  disturbedRetries: number;
};

export type Progress = (line: string) => void;

/** How to start a server of this kind under these settings: which Scrollback build, from where. */
export function startOptionsFor(settings: BenchSettings, kind: TargetKind): TargetOptions {
  if (kind === "previous") {
    if (!settings.previous) throw new Error("no previous build in these settings");
    return { scrollbackEntry: settings.previous.entry, cwd: settings.previous.dir };
  }
  return settings.scrollbackEntry ? { scrollbackEntry: settings.scrollbackEntry } : {};
}

export type MeasuredLoad = MergedLoad & {
  seconds: number;
  serverCores: number;
  serverCpuMs: number;
  generatorCores: number;
  foreignCores: number;
  stealCores: number;
  serverRssMaxBytes: number;
  serverRssEndBytes: number;
  disturbed: boolean;
};

const RSS_SAMPLE_MS = 200;

/**
 * Runs one load window and measures it from outside: the server's CPU and
 * peak RSS, the generator's CPU, and how much CPU the rest of the machine
 * took meanwhile — a disturbed window is run again (up to the retry limit)
 * and stays flagged when it never came out clean.
 */
export async function measureLoad(
  settings: BenchSettings,
  target: Target,
  generator: Generator,
  run: (attempt: number) => Promise<MergedLoad>,
  progress?: Progress,
): Promise<MeasuredLoad> {
  let result: MeasuredLoad | null = null;
  for (let attempt = 0; attempt <= settings.disturbedRetries; attempt++) {
    let rssMax = 0;
    const sampler = setInterval(() => {
      rssMax = Math.max(rssMax, processRssBytes(target.pid));
    }, RSS_SAMPLE_MS);
    const window = new CpuWindow([target.pid, ...generator.pids]);
    const load = await run(attempt).finally(() => clearInterval(sampler));
    const cpu = window.finish();
    const serverCpuMs = cpu.cpuMsByPid.get(target.pid) ?? Number.NaN;
    const generatorCpuMs = generator.pids.reduce((s, pid) => s + (cpu.cpuMsByPid.get(pid) ?? 0), 0);
    const end = processRssBytes(target.pid);
    result = {
      ...load,
      seconds: cpu.seconds,
      serverCpuMs,
      serverCores: serverCpuMs / 1000 / cpu.seconds,
      generatorCores: generatorCpuMs / 1000 / cpu.seconds,
      foreignCores: cpu.foreignCores,
      stealCores: cpu.stealCores,
      serverRssMaxBytes: Math.max(rssMax, end),
      serverRssEndBytes: end,
      disturbed: cpu.foreignCores + cpu.stealCores > settings.disturbedForeignCores,
    };
    if (!result.disturbed) return result;
    progress?.(
      `  disturbed: ${(cpu.foreignCores + cpu.stealCores).toFixed(2)} cores of foreign CPU/steal; ${
        attempt < settings.disturbedRetries
          ? "discarding and running it again"
          : "keeping it, flagged"
      }`,
    );
  }
  return result as MeasuredLoad;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
