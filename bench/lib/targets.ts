import { join } from "node:path";
import { PROJECT_ROOT, ServerProcess } from "../../lib/server/testing/server-process";
import { speaksScrollback, type TargetKind } from "./wire";

const PROBE = join(PROJECT_ROOT, "bench/servers/probe.cjs");

/**
 * Scrollback's limits, configured for a benchmark: every client comes from one
 * loopback address and 100 senders write as fast as they are acknowledged,
 * which the per-address and per-identity defaults exist to refuse. The limiters
 * still run on every message and connection; only their thresholds move.
 */
export const BENCH_LIMITS_ENV: Record<string, string> = {
  RATE_LIMIT_MESSAGES_PER_SECOND: "100000",
  RATE_LIMIT_MESSAGE_BURST: "100000",
  RATE_LIMIT_MESSAGES_PER_IP_PER_SECOND: "1000000",
  RATE_LIMIT_MESSAGE_BURST_PER_IP: "1000000",
  RATE_LIMIT_DELIVERIES_PER_IP_PER_SECOND: "1000000000",
  RATE_LIMIT_DELIVERY_BURST_PER_IP: "1000000000",
  RATE_LIMIT_REWRITE_BYTES_PER_IP_PER_SECOND: "1000000000",
  RATE_LIMIT_REWRITE_BYTE_BURST_PER_IP: "1000000000",
  RATE_LIMIT_EVENTS_PER_SECOND: "100000",
  RATE_LIMIT_EVENT_BURST: "100000",
  RATE_LIMIT_RENAMES_PER_MINUTE: "1000000",
  RATE_LIMIT_RENAMES_PER_IP_PER_MINUTE: "1000000",
  RATE_LIMIT_JOINS_PER_MINUTE: "1000000",
  RATE_LIMIT_JOINS_PER_IP_PER_MINUTE: "1000000",
  RATE_LIMIT_TYPING_PER_MINUTE: "1000000",
  RATE_LIMIT_TYPING_PER_IP_PER_MINUTE: "1000000",
  RATE_LIMIT_ROOMS_PER_HOUR: "1000000",
  RATE_LIMIT_ROOMS_PER_IP_PER_HOUR: "1000000",
  RATE_LIMIT_HISTORY_BYTES_PER_IP_PER_SECOND: "1000000000",
  RATE_LIMIT_HISTORY_BYTE_BURST_PER_IP: "1000000000",
  MAX_HISTORY_REQUESTS_PER_IP: "100000",
  MAX_CONNECTIONS_PER_IP: "100000",
  RATE_LIMIT_CONNECTIONS_PER_IP_PER_SECOND: "100000",
};

export type TargetOptions = {
  /** Node arguments that start Scrollback (default: the production bundle). */
  scrollbackEntry?: string[];
  /** Scrollback's working directory (the previous build runs from its own tree). */
  cwd?: string;
  /** For Scrollback: a SQLite file to serve (already seeded); default a fresh one. */
  databaseFile?: string;
  /** For the naive server: messages in its list at start. */
  naiveSeedMessages?: number;
  /**
   * Scrollback's limits: the benchmark's (one address plays a thousand
   * clients), or the defaults a public server runs with (the hostile scenario).
   */
  limits?: "bench" | "defaults";
  env?: Record<string, string>;
};

export const PRODUCTION_ENTRY = [join(PROJECT_ROOT, "dist/server.js")];

type ProbeReply = { probe: string; rss?: number; heapUsed?: number; longestStallMs?: number };

/**
 * A server under test: a ServerProcess (the same helper the crash and
 * browser tests use; every server answers /healthz) with the probe preloaded
 * and an IPC channel to ask it.
 */
export class Target {
  private constructor(
    readonly kind: TargetKind,
    private readonly server: ServerProcess,
  ) {}

  static async start(kind: TargetKind, options: TargetOptions = {}): Promise<Target> {
    const nodeFlags = ["--expose-gc", "--require", PROBE];
    if (speaksScrollback(kind)) {
      if (kind === "previous" && !options.scrollbackEntry)
        throw new Error("the previous build needs its entry (bench/lib/previous-build.ts)");
      // A fresh database in the process's own data directory, unless a seeded one is given.
      const server = await ServerProcess.start({
        args: [...nodeFlags, ...(options.scrollbackEntry ?? PRODUCTION_ENTRY)],
        env: {
          ...(options.databaseFile ? { DATABASE_URL: `file:${options.databaseFile}` } : {}),
          NEXT_TELEMETRY_DISABLED: "1",
          ...(options.limits === "defaults" ? {} : BENCH_LIMITS_ENV),
          ...options.env,
        },
        ipc: true,
        ...(options.cwd ? { cwd: options.cwd } : {}),
      });
      return new Target(kind, server);
    }
    const script = kind === "naive" ? "naive-server.mjs" : "raw-ws-server.mjs";
    const server = await ServerProcess.start({
      args: [...nodeFlags, join(PROJECT_ROOT, "bench/servers", script)],
      env: { NAIVE_SEED_MESSAGES: String(options.naiveSeedMessages ?? 0), ...options.env },
      ipc: true,
    });
    return new Target(kind, server);
  }

  get url(): string {
    return this.server.url;
  }

  get pid(): number {
    return this.server.childProcess?.pid ?? -1;
  }

  get alive(): boolean {
    const child = this.server.childProcess;
    return child !== null && child.exitCode === null && child.signalCode === null;
  }

  get log(): string {
    return this.server.output;
  }

  private ask(probe: string): Promise<ProbeReply> {
    const child = this.server.childProcess;
    if (!child) return Promise.reject(new Error(`${this.kind} server is not running`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off("message", onMessage);
        reject(new Error(`probe ${probe} timed out`));
      }, 30_000);
      const onMessage = (reply: ProbeReply) => {
        if (reply?.probe !== probe) return;
        clearTimeout(timer);
        child.off("message", onMessage);
        resolve(reply);
      };
      child.on("message", onMessage);
      child.send({ probe });
    });
  }

  /** RSS and heap after two full garbage collections. */
  async afterGc(): Promise<{ rss: number; heapUsed: number }> {
    const reply = await this.ask("gc");
    return { rss: reply.rss ?? Number.NaN, heapUsed: reply.heapUsed ?? Number.NaN };
  }

  /** The longest event-loop stall since the previous call, in ms. */
  async longestStall(): Promise<number> {
    return (await this.ask("stall")).longestStallMs ?? Number.NaN;
  }

  /** Kills the server (nothing to drain in a benchmark) and removes its data. */
  async stop(): Promise<void> {
    await this.server.dispose();
  }
}
