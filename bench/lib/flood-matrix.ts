import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  DEFAULT_SECURITY_LIMITS,
  type SecurityLimits,
} from "../../lib/server/security/security-config";
import { PROJECT_ROOT } from "../../lib/server/testing/server-process";
import type { Progress } from "./context";
import type { FloodCommand, FloodReply, FloodReport } from "./flood-protocol";
import { ARCHIVE, BUDGET_SHARE, CAFE, FLOOD_TABLE, type FloodRow } from "./flood-table";
import { Histogram } from "./histogram";
import { CpuWindow, processRssBytes } from "./proc-stats";
import { seedLongMessages } from "./seed-history";
import { Target } from "./targets";
import { WireClient } from "./wire";

/**
 * The flood matrix: for each row of FLOOD_TABLE, many connections from one
 * loopback address flood the server (the defaults a public server runs
 * with) while a bystander on another address chats. Measured per row: the
 * bystander's acknowledgement times just before (quiet) and during the flood,
 * how long a newcomer from a third address takes to connect, the server's
 * longest event-loop stall and peak RSS, and whether every acknowledged
 * message is in the database.
 */
export type FloodMatrixSettings = {
  /** Attacking connections per row, all from one address. */
  connections: number;
  floodMs: number;
  /** The bystander's quiet baseline, measured just before each row's flood. */
  quietMs: number;
  /** How long the attackers wait for their last answers. */
  settleMs: number;
  /** Bystander connections (identities), and how often each sends. */
  bystanders: number;
  bystanderPerSecond: number;
  /** Messages in the long-history room. */
  archiveMessages: number;
  /** Rows to run, by name; all by default. */
  rows?: readonly string[];
  /** Node arguments that start Scrollback (default: the production bundle). */
  scrollbackEntry?: string[];
  /**
   * How fast each connection sends: 90 % of the tightest budget of its row
   * (`budgets`, the matrix as specified), or 90 % of the connection's event
   * budget whatever the row (`connection`: the pace the flood matrix had
   * before the per-identity budgets of renames, joins, typing and rooms
   * existed, so that the per-address budgets meet the same load as then).
   */
  pace?: FloodPace;
  /**
   * The budgets the pace is worked out from, when they are not the server's
   * defaults: a server from before a budget existed is measured as it was
   * specified then.
   */
  paceLimits?: SecurityLimits;
  /** Other work on the machine (cores) above which a row counts as disturbed. */
  disturbedForeignCores?: number;
  /** Extra attempts for a disturbed row. */
  disturbedRetries?: number;
  /**
   * Also runs a row again (within `disturbedRetries`) when this says its
   * timing broke a bound: one stall of a shared machine in a window of a
   * few seconds moves a p99 of forty-odd samples by tens of milliseconds,
   * while a flood that really hurts the bystander breaks it on every attempt.
   */
  retryIf?: (result: Omit<FloodRowResult, "attempts">) => boolean;
  /**
   * Where the server's database lives: the system's temporary directory
   * (a disk) unless given. On a tmpfs an fsync costs nothing, so what is
   * measured is what the flood does, not what the disk does for others.
   */
  databaseParent?: string;
};

export type FloodPace = "budgets" | "connection";

export type LatencySummary = { samples: number; p50: number; p99: number; max: number };

export type FloodRowResult = {
  row: string;
  costs: string;
  /** Notices have no answers: nothing is accepted or refused that the attacker could see. */
  notice: boolean;
  pace: FloodPace;
  connections: number;
  perConnectionPerSecond: number;
  attack: Omit<FloodReport, "reply" | "ackedMessageIds"> & { connectFailed: number };
  quiet: LatencySummary;
  flood: LatencySummary;
  /** Bystander sends still unanswered when the row gave up waiting. */
  bystanderUnanswered: number;
  newcomerConnectMs: LatencySummary;
  /** The server's longest event-loop stall while the bystander chatted alone, just before. */
  quietStallMs: number;
  longestStallMs: number;
  rssBeforeMb: number;
  rssMaxMb: number;
  /** Acknowledged messages (the bystander's and the attackers') missing from the database. */
  lost: number;
  /** From the end of the flood until the bystander's sends were all answered again. */
  recoveryMs: number;
  serverSurvived: boolean;
  /** CPU the server used during the flood, in cores. */
  serverCores: number;
  /** CPU the rest of the machine used meanwhile (other people's work, the hypervisor), in cores. */
  foreignCores: number;
  /** Other work on the machine took more than `disturbedForeignCores` during the flood. */
  disturbed: boolean;
  /** How many times the row ran: a disturbed one runs again, up to `disturbedRetries`. */
  attempts: number;
};

export type FloodMatrixResult = { settings: FloodMatrixSettings; rows: FloodRowResult[] };

/** The bystander chats from here, newcomers come from the next address, attackers from further up. */
const BYSTANDER_ADDRESS = "127.0.0.2";
const NEWCOMER_ADDRESS = "127.0.0.3";
/** A fresh address for every attempt, so that no budget or penalty of an earlier one carries over. */
const attackerAddress = (row: number, attempt: number) => `127.0.${attempt}.${10 + row}`;
/** Long messages by bytes: most of the longest text allowed, in three-byte characters. */
const ARCHIVE_CODE_POINTS = 4_000;
const NEWCOMER_EVERY_MS = 1_000;
const RECOVERY_LIMIT_MS = 120_000;
const RSS_SAMPLE_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function summarize(histogram: Histogram): LatencySummary {
  return {
    samples: histogram.total,
    p50: histogram.quantile(0.5),
    p99: histogram.quantile(0.99),
    max: histogram.max,
  };
}

/** The attacker process (flood-worker.ts), commanded over IPC. */
class Attacker {
  private constructor(private readonly child: ChildProcess) {}

  static start(): Attacker {
    return new Attacker(
      fork(join(PROJECT_ROOT, "bench/lib/flood-worker.ts"), [], {
        cwd: PROJECT_ROOT,
        execArgv: ["--import", "tsx", "--max-old-space-size=2048"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    );
  }

  ask<R extends FloodReply["reply"]>(
    command: FloodCommand,
    reply: R,
    timeoutMs = 300_000,
  ): Promise<Extract<FloodReply, { reply: R }>> {
    const child = this.child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`attacker did not answer ${command.cmd} in time`));
      }, timeoutMs);
      const onExit = () => {
        cleanup();
        reject(new Error("the attacker process exited"));
      };
      const onMessage = (message: FloodReply) => {
        if (message.reply === "error") {
          cleanup();
          reject(new Error(`attacker: ${message.message}`));
        } else if (message.reply === reply) {
          cleanup();
          resolve(message as Extract<FloodReply, { reply: R }>);
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
      child.send(command);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  stop(): void {
    this.child.kill("SIGKILL");
  }
}

/** People chatting in the cafe from an address of their own, timing every acknowledgement. */
class Bystander {
  private clients: WireClient[] = [];
  readonly ackedIds: string[] = [];
  private sent = 0;

  constructor(
    private readonly count: number,
    private readonly perSecond: number,
  ) {}

  async connect(url: string): Promise<void> {
    for (const client of this.clients) client.close();
    this.clients = [];
    for (let i = 0; i < this.count; i++) {
      const client = new WireClient(
        "scrollback",
        url,
        i,
        { localAddress: BYSTANDER_ADDRESS },
        CAFE,
      );
      await client.connect(60_000);
      this.clients.push(client);
    }
  }

  get connected(): boolean {
    return this.clients.length === this.count && this.clients.every((c) => c.isOpen);
  }

  get pending(): number {
    return this.clients.reduce((sum, c) => sum + c.pendingAcks, 0);
  }

  /** Sends steadily from every client for `ms`, recording each acknowledgement time into `into`. */
  async chat(ms: number, into: Histogram): Promise<void> {
    const interval = 1000 / this.perSecond;
    const startedAt = performance.now();
    const sentBy = this.clients.map(() => 0);
    while (performance.now() - startedAt < ms) {
      const elapsed = performance.now() - startedAt;
      this.clients.forEach((client, i) => {
        const phase = (i / this.clients.length) * interval;
        if (Math.floor((elapsed - phase) / interval) + 1 <= (sentBy[i] ?? 0)) return;
        sentBy[i] = (sentBy[i] ?? 0) + 1;
        const n = this.sent++;
        const at = performance.now();
        client.request(
          "message:send",
          { room: CAFE, text: `bystander ${n}`, clientId: `b${i}-${n}` },
          (result, frame) => {
            into.record(performance.now() - at);
            if (!result.ok) return;
            const id = /"message":\{"id":"([^"]+)"/.exec(frame.toString("utf8", 0, 200))?.[1];
            if (id) this.ackedIds.push(id);
          },
        );
      });
      await sleep(5);
    }
  }

  close(): void {
    for (const client of this.clients) client.close();
  }
}

/** Opens a fresh connection (connect and join) from another address every second until stopped. */
function newcomers(url: string, into: Histogram): () => Promise<void> {
  let running = true;
  let id = 0;
  const loop = (async () => {
    while (running) {
      const client = new WireClient(
        "scrollback",
        url,
        id++,
        { localAddress: NEWCOMER_ADDRESS },
        CAFE,
      );
      const startedAt = performance.now();
      try {
        await client.connect(30_000);
      } catch {
        // a refused or timed-out connect counts for as long as it took
      }
      into.record(performance.now() - startedAt);
      client.close();
      await sleep(NEWCOMER_EVERY_MS);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** How many of `ids` are not in the messages table. */
function missingMessages(file: string, ids: readonly string[]): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const find = db.prepare<[string], { id: string }>("SELECT id FROM messages WHERE id = ?");
    return ids.filter((id) => find.get(id) === undefined).length;
  } finally {
    db.close();
  }
}

export async function runFloodMatrix(
  settings: FloodMatrixSettings,
  progress: Progress,
): Promise<FloodMatrixResult> {
  const limits = settings.paceLimits ?? DEFAULT_SECURITY_LIMITS;
  const rows: FloodRow[] = settings.rows
    ? FLOOD_TABLE.filter((row) => settings.rows?.includes(row.name))
    : [...FLOOD_TABLE];
  const workDir = mkdtempSync(join(settings.databaseParent ?? tmpdir(), "scrollback-flood-"));
  const file = join(workDir, "scrollback.db");
  await seedLongMessages(file, ARCHIVE, settings.archiveMessages, ARCHIVE_CODE_POINTS);
  const startTarget = () =>
    Target.start("scrollback", {
      ...(settings.scrollbackEntry ? { scrollbackEntry: settings.scrollbackEntry } : {}),
      databaseFile: file,
      limits: "defaults",
      env: { DATA_DIR: workDir },
    });
  const world: World = {
    settings,
    limits,
    file,
    target: await startTarget(),
    attacker: Attacker.start(),
    bystander: new Bystander(settings.bystanders, settings.bystanderPerSecond),
  };
  const results: FloodRowResult[] = [];
  try {
    await world.bystander.connect(world.target.url);
    for (const [index, row] of rows.entries()) {
      for (let attempt = 0; ; attempt++) {
        const result = await floodOnce(world, row, attackerAddress(index, attempt), progress);
        const broke = !result.disturbed && (settings.retryIf?.(result) ?? false);
        const retry = (result.disturbed || broke) && attempt < (settings.disturbedRetries ?? 0);
        if (!retry) {
          results.push({ ...result, attempts: attempt + 1 });
          break;
        }
        progress(
          broke
            ? "    a bound broke; running it again to tell a stall of the machine from the flood"
            : `    disturbed: ${result.foreignCores.toFixed(2)} cores of other work on the machine; running it again`,
        );
      }
      if (!world.target.alive || world.bystander.pending > 0) {
        // Answers that never came: the server died or is still buried. Start afresh.
        if (world.target.alive) await world.bystander.connect(world.target.url).catch(() => {});
        if (!world.target.alive || world.bystander.pending > 0 || !world.bystander.connected) {
          progress("    the server did not come back; starting it again on the same database");
          await world.target.stop().catch(() => {});
          world.target = await startTarget();
          await world.bystander.connect(world.target.url);
        }
      }
    }
  } finally {
    world.bystander.close();
    world.attacker.stop();
    await world.target.stop().catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  }
  return { settings, rows: results };
}

type World = {
  settings: FloodMatrixSettings;
  limits: SecurityLimits;
  file: string;
  target: Target;
  attacker: Attacker;
  bystander: Bystander;
};

/** One row, once: the bystander's quiet baseline, then the flood with everything measured. */
async function floodOnce(
  world: World,
  row: FloodRow,
  address: string,
  progress: Progress,
): Promise<Omit<FloodRowResult, "attempts">> {
  const { settings, limits, target, attacker, bystander } = world;
  const pace = settings.pace ?? "budgets";
  const perConnectionPerSecond =
    pace === "connection"
      ? BUDGET_SHARE * limits.eventsPerSecond
      : row.perConnectionPerSecond(limits);
  progress(
    `  ${row.name}: ${settings.connections} connections × ${perConnectionPerSecond.toFixed(2)}/s from ${address}`,
  );
  const quiet = new Histogram();
  await target.longestStall().catch(() => Number.NaN);
  await bystander.chat(settings.quietMs, quiet);
  const quietStallMs = await target.longestStall().catch(() => Number.NaN);

  const connected = await attacker.ask(
    { cmd: "connect", url: target.url, localAddress: address, connections: settings.connections },
    "connected",
  );
  const rssBefore = processRssBytes(target.pid);
  let rssMax = rssBefore;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, processRssBytes(target.pid) || 0);
  }, RSS_SAMPLE_MS);
  await target.longestStall().catch(() => Number.NaN);
  const during = new Histogram();
  const newcomerTimes = new Histogram();
  const cpu = new CpuWindow([target.pid, attacker.pid]);
  const stopNewcomers = newcomers(target.url, newcomerTimes);
  const flooding = attacker.ask(
    {
      cmd: "flood",
      row: row.name,
      limits,
      archiveLatestSeq: settings.archiveMessages,
      perConnectionPerSecond,
      durationMs: settings.floodMs,
      settleMs: settings.settleMs,
    },
    "flooded",
  );
  await bystander.chat(settings.floodMs, during);
  const floodEnded = performance.now();
  const machine = cpu.finish();
  const report = await flooding;
  await stopNewcomers();
  const longestStallMs = await target.longestStall().catch(() => Number.NaN);
  await attacker.ask({ cmd: "close" }, "closed");
  while (bystander.pending > 0 && performance.now() - floodEnded < RECOVERY_LIMIT_MS)
    await sleep(20);
  const recoveryMs = performance.now() - floodEnded;
  clearInterval(sampler);
  const lost = missingMessages(world.file, [...bystander.ackedIds, ...report.ackedMessageIds]);
  const { reply: _reply, ackedMessageIds: _ids, ...attack } = report;
  const foreignCores = machine.foreignCores + machine.stealCores;
  const result = {
    row: row.name,
    costs: row.costs,
    notice: !row.frame(0, 0, { limits, archiveLatestSeq: settings.archiveMessages }).ack,
    pace,
    connections: connected.connected,
    perConnectionPerSecond,
    attack: { ...attack, connectFailed: connected.failed },
    quiet: summarize(quiet),
    flood: summarize(during),
    bystanderUnanswered: bystander.pending,
    newcomerConnectMs: summarize(newcomerTimes),
    quietStallMs,
    longestStallMs,
    rssBeforeMb: rssBefore / 2 ** 20,
    rssMaxMb: rssMax / 2 ** 20,
    lost,
    recoveryMs,
    serverSurvived: target.alive,
    serverCores: (machine.cpuMsByPid.get(target.pid) ?? Number.NaN) / 1000 / machine.seconds,
    foreignCores,
    disturbed: foreignCores > (settings.disturbedForeignCores ?? Number.POSITIVE_INFINITY),
  };
  progress(
    `    bystander p99 ${result.quiet.p99.toFixed(1)} → ${result.flood.p99.toFixed(1)} ms, newcomer p99 ${result.newcomerConnectMs.p99.toFixed(0)} ms, stall ${quietStallMs.toFixed(0)} → ${longestStallMs.toFixed(0)} ms, RSS ${result.rssMaxMb.toFixed(0)} MB, accepted ${attack.accepted}/${attack.sent}, lost ${lost}, server ${result.serverCores.toFixed(2)} cores, others ${foreignCores.toFixed(2)} cores`,
  );
  return result;
}
