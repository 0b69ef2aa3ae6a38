import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SESSION_CACHE_TTL_MS } from "../../lib/server/accounts/accounts";
import { revokeSession, signUp } from "../lib/accounts-http";
import { type BenchSettings, type Progress, sleep } from "../lib/context";
import { Generator } from "../lib/generator";
import { Histogram } from "../lib/histogram";
import { processCpuMs } from "../lib/proc-stats";
import { seedAccounts } from "../lib/seed-accounts";
import { formatNumber, formatSpread, ratio, type Spread, spread } from "../lib/summary";
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
  revocationSummary: { disconnectP50Ms: Spread; disconnectP99Ms: Spread; answerP50Ms: Spread };
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
  url: string,
  sessions: readonly { first: string; second: string }[],
  run: number,
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
      url,
      1_000_000 + i,
      { onEnded: (_, at) => onEnded(at) },
      BENCH_ROOM,
      { cookie: second },
    );
    await client.connect();
    if (!client.session?.account) throw new Error("the second session did not connect signed in");
    const sentAt = nowMs();
    const answered = revokeSession(url, first, second).then(() => nowMs());
    const timeout = sleep(REVOCATION_TIMEOUT_MS).then(() => Number.NaN);
    const [endedAt, answeredAt] = await Promise.all([Promise.race([ended, timeout]), answered]);
    if (Number.isNaN(endedAt)) missed++;
    else disconnect.record(endedAt - sentAt);
    answer.record(answeredAt - sentAt);
    client.close();
    // The revoked cookie again: with guests allowed it connects, but as a guest.
    const again = new WireClient("scrollback", url, 2_000_000 + i, {}, BENCH_ROOM, {
      cookie: second,
    });
    await again.connect();
    if (again.session?.account) stillSignedInAfter++;
    again.close();
  }
  return {
    run,
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
): Promise<AccountsResult> {
  const clients = settings.quick ? 200 : 1_000;
  const revocations = settings.quick ? 10 : 50;
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
      const accounts = seedAccounts(
        databaseFile,
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
        url,
        accounts
          .slice(0, revocations)
          .map((a) => ({ first: a.cookies[0] as string, second: a.cookies[1] as string })),
        run,
        clients,
      );
      revocation.push(revoked);
      progress(
        `  revocation, ${revoked.connectedMeanwhile} signed-in sockets connected: revoke-session → disconnect p50 ${revoked.disconnectP50Ms.toFixed(1)} / p99 ${revoked.disconnectP99Ms.toFixed(1)} ms (answer p50 ${revoked.answerP50Ms.toFixed(1)} ms); ${revoked.missed} missed, ${revoked.stillSignedInAfter} still signed in after`,
      );
    } finally {
      await generator.stop();
      await target?.stop();
      rmSync(workDir, { recursive: true, force: true });
    }
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
      disconnectP50Ms: spread(revocation.map((r) => r.disconnectP50Ms)),
      disconnectP99Ms: spread(revocation.map((r) => r.disconnectP99Ms)),
      answerP50Ms: spread(revocation.map((r) => r.answerP50Ms)),
    },
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

/** The storms side by side, signed in against guests; then what revocation takes. */
export function accountsTables(result: AccountsResult): Table[] {
  const summary = (who: StormWho, phase: StormPhase) =>
    result.summaries.find((s) => s.who === who && s.phase === phase);
  const versus = (phase: StormPhase) => {
    const account = summary("account", phase);
    const guest = summary("guest", phase);
    return `signed in / guests, ${phase}: connect p50 ${ratio(account?.connectP50Ms.median ?? Number.NaN, guest?.connectP50Ms.median ?? Number.NaN)}, p99 ${ratio(account?.connectP99Ms.median ?? Number.NaN, guest?.connectP99Ms.median ?? Number.NaN)}, longest stall ${ratio(account?.longestStallMs.median ?? Number.NaN, guest?.longestStallMs.median ?? Number.NaN)}, server CPU per connection ${ratio(account?.serverCpuMsPerConnection.median ?? Number.NaN, guest?.serverCpuMsPerConnection.median ?? Number.NaN)}`;
  };
  const r = result.revocationSummary;
  const ttlSeconds = result.sessionCacheTtlMs / 1000;
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
        `Accounts made beforehand (not measured), cloned from one real sign-up per run, since a thousand sign-ups would hash a thousand passwords with scrypt: ${result.seeding.map((s) => `${s.accounts} accounts, ${s.sessions} sessions`).join("; ")}`,
      ],
    },
    {
      title: `Revocation: with ${result.revocation[0]?.connectedMeanwhile.toLocaleString("en-US") ?? "?"} signed-in sockets connected, ${result.revocations} sessions revoked one at a time (POST /api/auth/revoke-session from another session of the account); time until the revoked session's socket is told \`disconnect\``,
      columns: [
        "run",
        "revoke → disconnect p50 ms",
        "p99 ms",
        "max ms",
        "answer p50 ms",
        "missed",
        "still signed in after",
      ],
      rows: result.revocation.map((run) => [
        `#${run.run}`,
        formatNumber(run.disconnectP50Ms),
        formatNumber(run.disconnectP99Ms),
        formatNumber(run.disconnectMaxMs),
        formatNumber(run.answerP50Ms),
        String(run.missed),
        String(run.stillSignedInAfter),
      ]),
      notes: [
        `Median (min–max) of runs: p50 ${f(r.disconnectP50Ms)} ms, p99 ${f(r.disconnectP99Ms)} ms: the push path (the session's deletion drops it from the cache and disconnects its sockets on every instance).`,
        `What the cache allows at worst: ${ttlSeconds} s (SESSION_CACHE_TTL_MS), and only on an instance that missed the cross-instance notice; then the ended session could still open new connections there until its entry expires.`,
        "Still signed in after: the revoked cookie presented again at once connects as a guest, not the account (the cache forgot it).",
      ],
    },
  ];
}
