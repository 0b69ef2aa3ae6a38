import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/server/testing/server-process";
import type {
  ConnectReport,
  GeneratorCommand,
  GeneratorReply,
  LoadReport,
  ReactReport,
  ReconnectReport,
} from "./generator-protocol";
import { Histogram } from "./histogram";
import type { Credentials, TargetKind } from "./wire";

const WORKER = join(PROJECT_ROOT, "bench/lib/generator-worker.ts");
const REPLY_TIMEOUT_MS = 180_000;

export type MergedLoad = {
  sent: number;
  acked: number;
  rejected: Record<string, number>;
  unacked: number;
  deliveries: number;
  latency: Histogram;
  ackLatency: Histogram;
  generatorCpuMs: number;
  dropped: number;
};

/**
 * The load generator: several child processes, each holding a share of the
 * clients. Commands go to all of them at once and their reports are merged.
 */
export class Generator {
  private constructor(private readonly workers: ChildProcess[]) {}

  static start(processes: number): Generator {
    const workers = Array.from({ length: processes }, () =>
      fork(WORKER, [], {
        cwd: PROJECT_ROOT,
        execArgv: ["--import", "tsx", "--max-old-space-size=2048"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    );
    return new Generator(workers);
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid ?? -1);
  }

  private ask<R extends GeneratorReply["reply"]>(
    worker: ChildProcess,
    command: GeneratorCommand,
    reply: R,
  ): Promise<Extract<GeneratorReply, { reply: R }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`generator did not answer ${command.cmd} in time`));
      }, REPLY_TIMEOUT_MS);
      const onExit = () => {
        cleanup();
        reject(new Error("a generator process exited"));
      };
      const onMessage = (message: GeneratorReply) => {
        if (message.reply === "error") {
          cleanup();
          reject(new Error(`generator: ${message.message}`));
        } else if (message.reply === reply) {
          cleanup();
          resolve(message as Extract<GeneratorReply, { reply: R }>);
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("exit", onExit);
      };
      worker.on("message", onMessage);
      worker.once("exit", onExit);
      worker.send(command);
    });
  }

  /** Splits `total` as evenly as possible over the processes. */
  private shares(total: number): number[] {
    const n = this.workers.length;
    return this.workers.map((_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
  }

  async connect(
    kind: TargetKind,
    url: string,
    count: number,
    {
      concurrency = 32,
      roomPerClient = false,
      credentials,
    }: {
      concurrency?: number;
      roomPerClient?: boolean;
      /** What each new client presents, in order (count of them); none: new guests. */
      credentials?: Credentials[];
    } = {},
  ): Promise<{
    connected: number;
    failed: number;
    signedIn: number;
    firstError: string | null;
    connectMs: Histogram;
  }> {
    const shares = this.shares(count);
    let offset = 0;
    const reports: ConnectReport[] = await Promise.all(
      this.workers.map((worker, i) => {
        const share = shares[i] ?? 0;
        const idOffset = offset;
        offset += share;
        return this.ask(
          worker,
          {
            cmd: "connect",
            kind,
            url,
            count: share,
            idOffset,
            concurrency,
            roomPerClient,
            ...(credentials ? { credentials: credentials.slice(idOffset, idOffset + share) } : {}),
          },
          "connect",
        );
      }),
    );
    return {
      connected: reports.reduce((s, r) => s + r.connected, 0),
      failed: reports.reduce((s, r) => s + r.failed, 0),
      signedIn: reports.reduce((s, r) => s + r.signedIn, 0),
      firstError: reports.find((r) => r.firstError)?.firstError ?? null,
      connectMs: Histogram.merge(reports.map((r) => r.connectMs)),
    };
  }

  /** Open-loop load at `rate` messages/s in total from `senders` clients. */
  async load(options: {
    tag: string;
    rate: number;
    senders: number;
    durationMs: number;
    settleMs: number;
    fillerBytes: number;
  }): Promise<MergedLoad> {
    const rates = this.shares(options.rate * 1000).map((r) => r / 1000);
    const senders = this.shares(options.senders);
    const reports = await Promise.all(
      this.workers.map((worker, i) =>
        this.ask(
          worker,
          { cmd: "load", ...options, rate: rates[i] ?? 0, senders: senders[i] ?? 0 },
          "load",
        ),
      ),
    );
    return merge(reports);
  }

  async closedLoop(options: {
    tag: string;
    senders: number;
    durationMs: number;
    settleMs: number;
    fillerBytes: number;
  }): Promise<MergedLoad> {
    const senders = this.shares(options.senders);
    const reports = await Promise.all(
      this.workers.map((worker, i) =>
        this.ask(
          worker,
          { cmd: "closed-loop", ...options, senders: senders[i] ?? 0 },
          "closed-loop",
        ),
      ),
    );
    return merge(reports);
  }

  /** A reaction storm at `rate` changes/s in total from `senders` clients; the reports unmerged (main joins them by rev). */
  react(options: {
    rate: number;
    senders: number;
    durationMs: number;
    settleMs: number;
    messages: string[];
    emoji: string[];
  }): Promise<ReactReport[]> {
    const rates = this.shares(options.rate * 1000).map((r) => r / 1000);
    const senders = this.shares(options.senders);
    return Promise.all(
      this.workers.map((worker, i) =>
        this.ask(
          worker,
          { cmd: "react", ...options, rate: rates[i] ?? 0, senders: senders[i] ?? 0 },
          "react",
        ),
      ),
    );
  }

  async reconnect(count: number): Promise<{
    reconnected: number;
    failed: number;
    signedIn: number;
    connectMs: Histogram;
    historyMs: Histogram;
    historyBytes: number;
  }> {
    const shares = this.shares(count);
    const reports: ReconnectReport[] = await Promise.all(
      this.workers.map((worker, i) =>
        this.ask(worker, { cmd: "reconnect", count: shares[i] ?? 0 }, "reconnect"),
      ),
    );
    return {
      reconnected: reports.reduce((s, r) => s + r.reconnected, 0),
      failed: reports.reduce((s, r) => s + r.failed, 0),
      signedIn: reports.reduce((s, r) => s + r.signedIn, 0),
      connectMs: Histogram.merge(reports.map((r) => r.connectMs)),
      historyMs: Histogram.merge(reports.map((r) => r.historyMs)),
      historyBytes: reports.reduce((s, r) => s + r.historyBytes, 0),
    };
  }

  async closeClients(): Promise<void> {
    await Promise.all(this.workers.map((worker) => this.ask(worker, { cmd: "close" }, "close")));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.exitCode !== null || worker.signalCode !== null) return resolve();
            worker.once("exit", () => resolve());
            worker.kill("SIGKILL");
          }),
      ),
    );
  }
}

function merge(reports: LoadReport[]): MergedLoad {
  const rejected: Record<string, number> = {};
  for (const report of reports)
    for (const [code, n] of Object.entries(report.rejected))
      rejected[code] = (rejected[code] ?? 0) + n;
  return {
    sent: reports.reduce((s, r) => s + r.sent, 0),
    acked: reports.reduce((s, r) => s + r.acked, 0),
    rejected,
    unacked: reports.reduce((s, r) => s + r.unacked, 0),
    deliveries: reports.reduce((s, r) => s + r.deliveries, 0),
    latency: Histogram.merge(reports.map((r) => r.latency)),
    ackLatency: Histogram.merge(reports.map((r) => r.ackLatency)),
    generatorCpuMs: reports.reduce((s, r) => s + r.cpuMs, 0),
    dropped: reports.reduce((s, r) => s + r.dropped, 0),
  };
}
