import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SESSION_CACHE_TTL_MS } from "../../lib/server/accounts/accounts";
import { createTestSchema } from "../../lib/server/testing/postgres";
import { TEST_REDIS_URL } from "../../lib/server/testing/redis-process";
import { revokeSession, signUp } from "../lib/accounts-http";
import { type BenchSettings, type Progress, sleep } from "../lib/context";
import { Generator } from "../lib/generator";
import { Histogram } from "../lib/histogram";
import { processCpuMs } from "../lib/proc-stats";
import { seedAccounts } from "../lib/seed-accounts";
import { formatNumber, formatSpread, type Spread, spread } from "../lib/summary";
import type { Table } from "../lib/table";
import { Target } from "../lib/targets";
import { BENCH_ROOM, type Credentials, nowMs, WireClient } from "../lib/wire";

/**
 * Who reconnects: guests, or people signed in to an account (whose handshake
 * checks the session cookie). Cold: the first connection of each identity
 * (a guest: a new one, nothing to look up; an account: a session the cache
 * has not seen, one database lookup each). Warm: all of them dropping and
 * reconnecting at once, as after a network blip (a guest presents the bot
 * token it was given, whose generation is read from the database; an
 * account's session comes from the session cache).
 */
export type StormWho = "guest" | "account";
export type StormPhase = "cold" | "warm";

export type AccountsStormRun = {
  who: StormWho;
  phase: StormPhase;
  run: number;
  connected: number;
  failed: number;
  /** Connections whose `session` named the account (accounts: all of them; guests: none). */
  signedIn: number;
  firstError: string | null;
  /** Opening the socket → connected and joined (the `session` event included). */
  connectP50Ms: number;
  connectP99Ms: number;
  connectMaxMs: number;
  /** The server's longest event-loop stall during the storm. */
  longestStallMs: number;
  /** The server's CPU over the storm, per connection. */
  serverCpuMsPerConnection: number;
  /** First socket opened → last one ready. */
  stormMs: number;
};

export type RevocationRun = {
  run: number;
  /**
   * single: one instance (SQLite), the request and the socket on it. cross:
   * two instances on one Postgres and one Redis, the request to one and the
   * revoked session's socket (and its cache entry) on the other.
   */
  instances: "single" | "cross";
  /** Signed-in sockets connected meanwhile (the storm's, each of its own account). */
  connectedMeanwhile: number;
  samples: number;
  /** POST /api/auth/revoke-session sent → the revoked session's socket told `disconnect`. */
  disconnectP50Ms: number;
  disconnectP99Ms: number;
  disconnectMaxMs: number;
  /** The same request → its answer. */
  answerP50Ms: number;
  answerP99Ms: number;
  /** Revocations whose cookie, presented again right after, still connected as the account (must be 0). */
  stillSignedInAfter: number;
  /** Revocations that did not reach the socket within REVOCATION_TIMEOUT_MS. */
  missed: number;
};

export type AccountsResult = {
  clients: number;
  revocations: number;
  sessionCacheTtlMs: number;
  /** Accounts cloned from one real sign-up per run (bench/lib/seed-accounts.ts), before anything is measured. */
  seeding: { run: number; accounts: number; sessions: number; seconds: number }[];
  storms: AccountsStormRun[];
  revocation: RevocationRun[];
  summaries: {
    who: StormWho;
    phase: StormPhase;
    connectP50Ms: Spread;
    connectP99Ms: Spread;
    longestStallMs: Spread;
    serverCpuMsPerConnection: Spread;
    failed: number;
  }[];
  revocationSummary: Record<
    RevocationRun["instances"],
    { disconnectP50Ms: Spread; disconnectP99Ms: Spread; answerP50Ms: Spread }
  >;
};

/** Accounts that connect once before the storms, so that first-use costs (JIT, prepared statements) are not the storm's. */
const WARM_UP_ACCOUNTS = 2;
const REVOCATION_TIMEOUT_MS = 10_000;

type Connected = {
  connected: number;
  failed: number;
  signedIn: number;
  firstError: string | null;
  connectMs: Histogram;
};

/** One storm, measured from outside (connect times, server CPU) and inside (the probe's event-loop stall). */
async function measureStorm(
  target: Target,
  who: StormWho,
  phase: StormPhase,
  run: number,
  storm: () => Promise<Connected>,
): Promise<AccountsStormRun> {
  await sleep(500);
  await target.longestStall(); // resets the reading
  const cpuBefore = processCpuMs(target.pid);
  const startedAt = performance.now();
  const result = await storm();
  const stormMs = performance.now() - startedAt;
  const cpuMs = processCpuMs(target.pid) - cpuBefore;
  await sleep(200);
  return {
    who,
    phase,
    run,
    connected: result.connected,
    failed: result.failed,
    signedIn: result.signedIn,
    firstError: result.firstError,
    connectP50Ms: result.connectMs.quantile(0.5),
    connectP99Ms: result.connectMs.quantile(0.99),
    connectMaxMs: result.connectMs.max,
    longestStallMs: await target.longestStall(),
    serverCpuMsPerConnection: cpuMs / Math.max(1, result.connected),
    stormMs,
  };
}

/**
 * Revokes second sessions one at a time, each from the account's first
 * session ("sign out that device"), and times how long the revoked
 * session's socket takes to hear of it; then presents the revoked cookie
 * again, which must no longer sign in (the cache forgot it at once).
 */
async function measureRevocations(
  /** Where the revoking device's request goes, and where the revoked session's socket is. */
  urls: { revokeAt: string; socketAt: string },
  sessions: readonly { first: string; second: string }[],
  run: number,
  instances: RevocationRun["instances"],
  connectedMeanwhile: number,
): Promise<RevocationRun> {
  const disconnect = new Histogram();
  const answer = new Histogram();
  let stillSignedInAfter = 0;
  let missed = 0;
  for (const [i, { first, second }] of sessions.entries()) {
    let onEnded: (at: number) => void = () => {};
    const ended = new Promise<number>((resolve) => {
      onEnded = resolve;
    });
    const client = new WireClient(
      "scrollback",
      urls.socketAt,
      1_000_000 + i,
      { onEnded: (_, at) => onEnded(at) },
      BENCH_ROOM,
      { cookie: second },
    );
    await client.connect();
    if (!client.session?.account) throw new Error("the second session did not connect signed in");
    const sentAt = nowMs();
    const answered = revokeSession(urls.revokeAt, first, second).then(() => nowMs());
    const timeout = sleep(REVOCATION_TIMEOUT_MS).then(() => Number.NaN);
    const [endedAt, answeredAt] = await Promise.all([Promise.race([ended, timeout]), answered]);
    if (Number.isNaN(endedAt)) missed++;
    else disconnect.record(endedAt - sentAt);
    answer.record(answeredAt - sentAt);
    client.close();
    // The revoked cookie again: with guests allowed it connects, but as a guest.
    const again = new WireClient("scrollback", urls.socketAt, 2_000_000 + i, {}, BENCH_ROOM, {
      cookie: second,
    });
    await again.connect();
    if (again.session?.account) stillSignedInAfter++;
    again.close();
  }
  return {
    run,
    instances,
    connectedMeanwhile,
    samples: disconnect.total,
    disconnectP50Ms: disconnect.quantile(0.5),
    disconnectP99Ms: disconnect.quantile(0.99),
    disconnectMaxMs: disconnect.max,
    answerP50Ms: answer.quantile(0.5),
    answerP99Ms: answer.quantile(0.99),
    stillSignedInAfter,
    missed,
  };
}

function revocationLine(r: RevocationRun): string {
  return `  revocation (${r.instances === "single" ? "one instance" : "across two instances"}), ${r.connectedMeanwhile} other signed-in sockets connected: revoke-session → disconnect p50 ${r.disconnectP50Ms.toFixed(1)} / p99 ${r.disconnectP99Ms.toFixed(1)} ms (answer p50 ${r.answerP50Ms.toFixed(1)} ms); ${r.missed} missed, ${r.stillSignedInAfter} still signed in after`;
}

/**
 * Two instances on one Postgres schema and one Redis: each session revoked
 * through the first, its socket (and its cache entry) on the second, which
 * learns of it through the Redis adapter only.
 */
async function crossInstanceRevocations(
  settings: BenchSettings,
  run: number,
  count: number,
): Promise<RevocationRun> {
  const schema = await createTestSchema();
  const env = {
    DATABASE_URL: schema.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `bench-${randomBytes(4).toString("hex")}`,
    SESSION_SECRET: randomBytes(32).toString("base64url"),
  };
  const start = () =>
    Target.start("scrollback", {
      ...(settings.scrollbackEntry ? { scrollbackEntry: settings.scrollbackEntry } : {}),
      env,
    });
  const targets: Target[] = [];
  try {
    // One after the other: the first migrates the schema.
    targets.push(await start());
    targets.push(await start());
    const [revokeAt, socketAt] = targets.map((t) => t.url) as [string, string];
    const templateEmail = `template-cross-${run}@example.test`;
    await signUp(revokeAt, {
      email: templateEmail,
      password: `quiet-meadow-${run}-lantern`,
      name: "Bench template",
    });
    const accounts = await seedAccounts(
      { postgresUrl: schema.url },
      env.SESSION_SECRET,
      templateEmail,
      count + 1,
      () => 2,
    );
    const pairs = accounts.map((a) => ({
      first: a.cookies[0] as string,
      second: a.cookies[1] as string,
    }));
    // The first, unmeasured: the instances' Redis subscriptions may still be settling.
    await measureRevocations({ revokeAt, socketAt }, pairs.slice(0, 1), run, "cross", 0);
    return await measureRevocations({ revokeAt, socketAt }, pairs.slice(1), run, "cross", 0);
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
    await schema.drop();
  }
}

function stormLine(s: AccountsStormRun): string {
  return `  ${s.who} ${s.phase}: ${s.connected} connected, ${s.signedIn} signed in (${s.failed} failed${s.firstError ? `: ${s.firstError}` : ""}) in ${s.stormMs.toFixed(0)} ms; connect p50 ${s.connectP50Ms.toFixed(1)} / p99 ${s.connectP99Ms.toFixed(1)} ms; longest stall ${s.longestStallMs.toFixed(1)} ms; ${s.serverCpuMsPerConnection.toFixed(2)} ms server CPU per connection`;
}

/**
 * The signed-in reconnect storm beside the guest one, on one server: N
 * accounts made beforehand (not timed), N guests connect at once and
 * reconnect at once, then the N accounts do the same with their session
 * cookies; then, with the N accounts still connected, sessions are revoked
 * one at a time and their sockets timed.
 */
export async function accountsScenario(
  settings: BenchSettings,
  progress: Progress,
  sizes: { clients: number; revocations: number } = settings.quick
    ? { clients: 200, revocations: 10 }
    : { clients: 1_000, revocations: 50 },
): Promise<AccountsResult> {
  const { clients, revocations } = sizes;
  const storms: AccountsStormRun[] = [];
  const revocation: RevocationRun[] = [];
  const seeding: AccountsResult["seeding"] = [];
  for (let run = 1; run <= settings.repeats; run++) {
    progress(
      `accounts · run ${run}/${settings.repeats} · ${clients.toLocaleString("en-US")} guests, then ${clients.toLocaleString("en-US")} accounts, reconnecting at once; ${revocations} revocations`,
    );
    const workDir = mkdtempSync(join(tmpdir(), "scrollback-bench-accounts-"));
    const databaseFile = join(workDir, "scrollback.db");
    const secret = randomBytes(32).toString("base64url");
    let target: Target | null = null;
    const generator = Generator.start(settings.generatorProcesses);
    try {
      target = await Target.start("scrollback", {
        ...(settings.scrollbackEntry ? { scrollbackEntry: settings.scrollbackEntry } : {}),
        databaseFile,
        env: { SESSION_SECRET: secret },
      });
      const url = target.url;
      // One real sign-up, whose rows every other account is cloned from.
      const templateEmail = `template-${run}@example.test`;
      await signUp(url, {
        email: templateEmail,
        password: `quiet-meadow-${run}-lantern`,
        name: "Bench template",
      });
      const seedStart = performance.now();
      const accounts = await seedAccounts(
        { file: databaseFile },
        secret,
        templateEmail,
        clients + WARM_UP_ACCOUNTS,
        (i) => (i < revocations ? 2 : 1),
      );
      const seedSeconds = (performance.now() - seedStart) / 1000;
      const sessions = accounts.reduce((sum, a) => sum + a.cookies.length, 0);
      seeding.push({ run, accounts: accounts.length, sessions, seconds: seedSeconds });
      progress(
        `  ${accounts.length} accounts with ${sessions} sessions seeded in ${seedSeconds.toFixed(1)} s (not measured)`,
      );
      const stormCookies = accounts.slice(0, clients).map((a) => a.cookies[0] as string);
      const warmUpCookies = accounts.slice(clients).map((a) => a.cookies[0] as string);

      // First use of each path (guest, token, session lookup) before anything is measured.
      const warm = await generator.connect("scrollback", url, WARM_UP_ACCOUNTS * 2, {
        credentials: [
          ...warmUpCookies.map((cookie) => ({ cookie })),
          ...warmUpCookies.map(() => ({ keepToken: true })),
        ],
      });
      if (warm.failed) throw new Error(`could not connect: ${warm.firstError}`);
      await generator.reconnect(WARM_UP_ACCOUNTS * 2);
      await generator.closeClients();

      const all = { concurrency: clients };
      const guests: Credentials[] = Array.from({ length: clients }, () => ({ keepToken: true }));
      for (const [who, credentials] of [
        ["guest", guests],
        ["account", stormCookies.map((cookie) => ({ cookie }))],
      ] as const) {
        const cold = await measureStorm(target, who, "cold", run, () =>
          generator.connect("scrollback", url, clients, { ...all, credentials }),
        );
        progress(stormLine(cold));
        const warmStorm = await measureStorm(target, who, "warm", run, async () => {
          const again = await generator.reconnect(clients);
          return {
            connected: again.reconnected,
            failed: again.failed,
            signedIn: again.signedIn,
            firstError: null,
            connectMs: again.connectMs,
          };
        });
        progress(stormLine(warmStorm));
        storms.push(cold, warmStorm);
        // The accounts stay connected for the revocations.
        if (who === "guest") await generator.closeClients();
      }

      const revoked = await measureRevocations(
        { revokeAt: url, socketAt: url },
        accounts
          .slice(0, revocations)
          .map((a) => ({ first: a.cookies[0] as string, second: a.cookies[1] as string })),
        run,
        "single",
        clients,
      );
      revocation.push(revoked);
      progress(revocationLine(revoked));
    } finally {
      await generator.stop();
      await target?.stop();
      rmSync(workDir, { recursive: true, force: true });
    }
    const cross = await crossInstanceRevocations(settings, run, revocations);
    revocation.push(cross);
    progress(revocationLine(cross));
  }
  const pick = (who: StormWho, phase: StormPhase) =>
    storms.filter((s) => s.who === who && s.phase === phase);
  return {
    clients,
    revocations,
    sessionCacheTtlMs: SESSION_CACHE_TTL_MS,
    seeding,
    storms,
    revocation,
    summaries: (["guest", "account"] as const).flatMap((who) =>
      (["cold", "warm"] as const).map((phase) => {
        const mine = pick(who, phase);
        return {
          who,
          phase,
          connectP50Ms: spread(mine.map((s) => s.connectP50Ms)),
          connectP99Ms: spread(mine.map((s) => s.connectP99Ms)),
          longestStallMs: spread(mine.map((s) => s.longestStallMs)),
          serverCpuMsPerConnection: spread(mine.map((s) => s.serverCpuMsPerConnection)),
          failed: mine.reduce((sum, s) => sum + s.failed, 0),
        };
      }),
    ),
    revocationSummary: {
      single: revocationSummary(revocation.filter((r) => r.instances === "single")),
      cross: revocationSummary(revocation.filter((r) => r.instances === "cross")),
    },
  };
}

function revocationSummary(runs: RevocationRun[]) {
  return {
    disconnectP50Ms: spread(runs.map((r) => r.disconnectP50Ms)),
    disconnectP99Ms: spread(runs.map((r) => r.disconnectP99Ms)),
    answerP50Ms: spread(runs.map((r) => r.answerP50Ms)),
  };
}

const f = (s: Spread, digits = 1) => formatSpread(s, digits);

const phaseName: Record<StormWho, Record<StormPhase, string>> = {
  guest: {
    cold: "guests, first connect (new identity)",
    warm: "guests, reconnect (bot token: generation read)",
  },
  account: {
    cold: "signed in, first connect (session lookup)",
    warm: "signed in, reconnect (session cache)",
  },
};

/** Signed in / guests within each run (same server, same minute), median over runs: steadier than a ratio of medians on a shared machine. */
function pairedRatio(
  result: AccountsResult,
  phase: StormPhase,
  measure: (s: AccountsStormRun) => number,
): string {
  const ratios = [...new Set(result.storms.map((s) => s.run))].map((run) => {
    const of = (who: StormWho) =>
      result.storms.find((s) => s.run === run && s.who === who && s.phase === phase);
    const account = of("account");
    const guest = of("guest");
    return account && guest ? measure(account) / measure(guest) : Number.NaN;
  });
  const median = spread(ratios);
  return median.runs === 0
    ? "—"
    : `${median.median.toFixed(2)}× (${ratios.map((r) => `${r.toFixed(2)}×`).join(", ")})`;
}

/** The storms side by side, signed in against guests; then what revocation takes. */
export function accountsTables(result: AccountsResult): Table[] {
  const versus = (phase: StormPhase) =>
    `Signed in / guests, ${phase}, per run (median, then each run): connect p50 ${pairedRatio(result, phase, (s) => s.connectP50Ms)}; p99 ${pairedRatio(result, phase, (s) => s.connectP99Ms)}; longest stall ${pairedRatio(result, phase, (s) => s.longestStallMs)}; server CPU per connection ${pairedRatio(result, phase, (s) => s.serverCpuMsPerConnection)}`;
  const ttlSeconds = result.sessionCacheTtlMs / 1000;
  const where: Record<RevocationRun["instances"], string> = {
    single: "one instance",
    cross: "two instances, Redis",
  };
  const single = result.revocationSummary.single;
  const cross = result.revocationSummary.cross;
  return [
    {
      title: `Signed-in reconnect storm: ${result.clients.toLocaleString("en-US")} connections open at once (connect and join), then drop and reconnect at once; guests on the same server in the same run as the baseline; median (min–max) of runs`,
      columns: [
        "who",
        "connect p50 ms",
        "connect p99 ms",
        "longest event-loop stall ms",
        "server CPU ms per connection",
        "failed",
      ],
      rows: result.summaries.map((s) => [
        phaseName[s.who][s.phase],
        f(s.connectP50Ms),
        f(s.connectP99Ms),
        f(s.longestStallMs),
        f(s.serverCpuMsPerConnection, 2),
        String(s.failed),
      ]),
      notes: [
        versus("cold"),
        versus("warm"),
        "Cold is every session after a restart or deploy (the cache is in memory); warm is a network blip within the cache's lifetime.",
        `Accounts made beforehand (not measured), cloned from one real sign-up per run, since a thousand sign-ups would hash a thousand passwords with scrypt: ${result.seeding.map((s) => `${s.accounts} accounts, ${s.sessions} sessions`).join("; ")}`,
      ],
    },
    {
      title: `Revocation: ${result.revocations} sessions revoked one at a time (POST /api/auth/revoke-session from another session of the account); time until the revoked session's socket is told \`disconnect\``,
      columns: [
        "run",
        "where",
        "other signed-in sockets",
        "revoke → disconnect p50 ms",
        "p99 ms",
        "max ms",
        "answer p50 ms",
        "missed",
        "still signed in after",
      ],
      rows: result.revocation.map((run) => [
        `#${run.run}`,
        where[run.instances],
        run.connectedMeanwhile.toLocaleString("en-US"),
        formatNumber(run.disconnectP50Ms),
        formatNumber(run.disconnectP99Ms),
        formatNumber(run.disconnectMaxMs),
        formatNumber(run.answerP50Ms),
        String(run.missed),
        String(run.stillSignedInAfter),
      ]),
      notes: [
        `Measured, the push path (deleting the session drops it from the cache and disconnects its sockets, on every instance through the adapter), median (min–max) of runs: one instance p50 ${f(single.disconnectP50Ms)} ms, p99 ${f(single.disconnectP99Ms)} ms; across two instances p50 ${f(cross.disconnectP50Ms)} ms, p99 ${f(cross.disconnectP99Ms)} ms.`,
        `What the cache allows at worst: ${ttlSeconds} s (SESSION_CACHE_TTL_MS), only on an instance that missed the cross-instance notice (Redis down or partitioned at that moment): there the ended session could open new connections until its entry expires. Sockets already open are disconnected through the same adapter, so a lost notice leaves those open too, with or without the cache.`,
        "Still signed in after: the revoked cookie presented again at once, to the instance holding the socket, connects as a guest, not the account (that instance's cache forgot it).",
      ],
    },
  ];
}
