import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, PROJECT_ROOT } from "../../lib/server/testing/server-process";
import type { TargetKind } from "./wire";

const PROBE = join(PROJECT_ROOT, "bench/servers/probe.cjs");
const STARTUP_TIMEOUT_MS = 120_000;

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
  RATE_LIMIT_EVENTS_PER_SECOND: "100000",
  RATE_LIMIT_EVENT_BURST: "100000",
  MAX_CONNECTIONS_PER_IP: "100000",
  RATE_LIMIT_CONNECTIONS_PER_IP_PER_SECOND: "100000",
};

export type TargetOptions = {
  /** Node arguments that start Scrollback (default: the production bundle). */
  scrollbackEntry?: string[];
  /** For Scrollback: a SQLite file to serve (already seeded); default a fresh one. */
  databaseFile?: string;
  /** For the naive server: messages in its list at start. */
  naiveSeedMessages?: number;
  env?: Record<string, string>;
};

export const PRODUCTION_ENTRY = [join(PROJECT_ROOT, "dist/server.js")];

type ProbeReply = { probe: string; rss?: number; heapUsed?: number; longestStallMs?: number };

/** A server under test, in its own process, with the probe preloaded. */
export class Target {
  private exited = false;
  private output = "";

  private constructor(
    readonly kind: TargetKind,
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dataDir: string | null,
  ) {
    child.once("exit", () => {
      this.exited = true;
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return !this.exited;
  }

  static async start(kind: TargetKind, options: TargetOptions = {}): Promise<Target> {
    const port = await freePort();
    const nodeFlags = ["--expose-gc", "--require", PROBE];
    let args: string[];
    let env: Record<string, string> = { PORT: String(port), ...options.env };
    let dataDir: string | null = null;
    if (kind === "scrollback") {
      dataDir = mkdtempSync(join(tmpdir(), "scrollback-bench-"));
      args = [...nodeFlags, ...(options.scrollbackEntry ?? PRODUCTION_ENTRY)];
      env = {
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        DATABASE_URL: `file:${options.databaseFile ?? join(dataDir, "scrollback.db")}`,
        LOG_LEVEL: "warn",
        NEXT_TELEMETRY_DISABLED: "1",
        ...BENCH_LIMITS_ENV,
        ...env,
      };
    } else {
      const script = kind === "naive" ? "naive-server.mjs" : "raw-ws-server.mjs";
      args = [...nodeFlags, join(PROJECT_ROOT, "bench/servers", script)];
      env = { NAIVE_SEED_MESSAGES: String(options.naiveSeedMessages ?? 0), ...env };
    }
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const target = new Target(kind, `http://127.0.0.1:${port}`, child, dataDir);
    const record = (chunk: Buffer) => {
      target.output = (target.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on("data", record);
    child.stderr?.on("data", record);
    await target.waitUntilServing(kind === "scrollback" ? "/healthz" : null);
    return target;
  }

  private async waitUntilServing(healthPath: string | null): Promise<void> {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exited)
        throw new Error(`${this.kind} server exited while starting:\n${this.output}`);
      if (healthPath === null) {
        if (this.output.includes("listening")) return;
      } else {
        const ok = await fetch(`${this.url}${healthPath}`).then(
          (response) => response.ok,
          () => false,
        );
        if (ok) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `${this.kind} server did not start within ${STARTUP_TIMEOUT_MS} ms:\n${this.output}`,
    );
  }

  private ask(probe: string): Promise<ProbeReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`probe ${probe} timed out`)), 30_000);
      const onMessage = (reply: ProbeReply) => {
        if (reply?.probe !== probe) return;
        clearTimeout(timer);
        this.child.off("message", onMessage);
        resolve(reply);
      };
      this.child.on("message", onMessage);
      this.child.send({ probe });
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

  get log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGKILL");
      await exited;
    }
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
