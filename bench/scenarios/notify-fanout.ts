import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io as connect } from "socket.io-client";
import type { ChatClientSocket } from "../../lib/client/room-client";
import { SqliteStore } from "../../lib/server/store/sqlite-store";
import { PushReceiver } from "../../lib/server/testing/push-receiver";
import type { MessageSendResult, Result } from "../../lib/shared/protocol";
import { type BenchSettings, type Progress, sleep, startOptionsFor } from "../lib/context";
import { processCpuMs } from "../lib/proc-stats";
import { BENCH_SESSION_SECRET, seedRoomMembers } from "../lib/seed-members";
import { type Spread, spread } from "../lib/summary";
import { Target } from "../lib/targets";
import { BENCH_ROOM } from "../lib/wire";

/**
 * Notification fan-out: one message that concerns every member of a room of
 * a thousand, all offline, each with a push subscription pointing at a push
 * service on loopback. Measured from the send's acknowledgement to the last
 * push received (and each push's own arrival), with the server's CPU over the
 * round. The owner's message says "@room"; every member's level in the room
 * is also "All messages", so that the same thousand are notified whether or
 * not this build computes @room mentions. The push delay is 0: what is
 * measured is the work, not the wait. The receiver counts the pushes without
 * decrypting them (decryption is the browser's work, and would load the
 * machine the server runs on); the integration tests decrypt every one.
 */

export type NotifyFanoutOptions = { members: number; rounds: number };

export function notifyFanoutOptions(settings: BenchSettings): NotifyFanoutOptions {
  return settings.quick ? { members: 200, rounds: 2 } : { members: 1_000, rounds: 5 };
}

export type NotifyFanoutRound = {
  round: number;
  pushes: number;
  /** From the send's ack to each push's arrival. */
  p50Ms: number;
  p99Ms: number;
  lastMs: number;
  pushesPerSecond: number;
  serverCpuMs: number;
};

export type NotifyFanoutResult = {
  members: number;
  rounds: NotifyFanoutRound[];
  lastMs: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  pushesPerSecond: Spread;
  serverCpuMsPerRound: Spread;
};

const ROUND_TIMEOUT_MS = 120_000;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export async function notifyFanoutScenario(
  settings: BenchSettings,
  progress: Progress,
  options: NotifyFanoutOptions = notifyFanoutOptions(settings),
): Promise<NotifyFanoutResult> {
  progress(
    `notify fan-out · ${options.members.toLocaleString("en-US")} members offline with push subscriptions · ${options.rounds} rounds`,
  );
  const workDir = mkdtempSync(join(tmpdir(), "scrollback-bench-notify-"));
  const file = join(workDir, "members.db");
  const receiver = await PushReceiver.start({ decrypt: false });
  const credentials = await seedRoomMembers(file, BENCH_ROOM, "public", options.members);
  await seedSubscriptions(file, receiver);
  const target = await Target.start("scrollback", {
    ...startOptionsFor(settings, "scrollback"),
    databaseFile: file,
    env: {
      SESSION_SECRET: BENCH_SESSION_SECRET,
      PUSH_DELAY_MS: "0",
      PUSH_ALLOW_LOOPBACK: "true",
    },
  });
  const owner = credentials[0];
  if (!owner) throw new Error("no owner");
  const socket: ChatClientSocket = connect(target.url, {
    transports: ["websocket"],
    reconnection: false,
    auth: { token: owner.token },
  });
  const rounds: NotifyFanoutRound[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("session", () => resolve());
      socket.once("connect_error", reject);
    });
    const joined = await socket.timeout(10_000).emitWithAck("room:join", { room: BENCH_ROOM });
    if (!joined.ok) throw new Error(`the owner could not join: ${joined.error.message}`);
    const expected = options.members - 1;
    for (let round = 1; round <= options.rounds; round++) {
      const before = receiver.count;
      const arrivals: number[] = [];
      const onPush = receiver.onPush((at) => arrivals.push(at));
      const cpuBefore = processCpuMs(target.pid);
      const answer = (await socket.timeout(30_000).emitWithAck("message:send", {
        room: BENCH_ROOM,
        text: `@room round ${round}: everyone, please read this`,
        clientId: `notify-${round}`,
      })) as Result<MessageSendResult>;
      const ackAt = performance.now();
      if (!answer.ok) throw new Error(`send refused: ${answer.error.message}`);
      await receiver.waitForCount(before + expected, ROUND_TIMEOUT_MS);
      onPush.stop();
      const serverCpuMs = processCpuMs(target.pid) - cpuBefore;
      const latencies = arrivals.map((at) => at - ackAt).sort((a, b) => a - b);
      const lastMs = latencies.at(-1) ?? Number.NaN;
      const result: NotifyFanoutRound = {
        round,
        pushes: receiver.count - before,
        p50Ms: quantile(latencies, 0.5),
        p99Ms: quantile(latencies, 0.99),
        lastMs,
        pushesPerSecond: expected / (lastMs / 1000),
        serverCpuMs,
      };
      rounds.push(result);
      progress(
        `  round ${round}: ${result.pushes} pushes, p50 ${result.p50Ms.toFixed(0)} ms, p99 ${result.p99Ms.toFixed(0)} ms, last ${lastMs.toFixed(0)} ms, ${Math.round(result.pushesPerSecond)} pushes/s, server CPU ${Math.round(serverCpuMs)} ms`,
      );
      await sleep(1_000);
    }
  } finally {
    socket.disconnect();
    await target.stop();
    await receiver.close();
    rmSync(workDir, { recursive: true, force: true });
  }
  return {
    members: options.members,
    rounds,
    lastMs: spread(rounds.map((r) => r.lastMs)),
    p50Ms: spread(rounds.map((r) => r.p50Ms)),
    p99Ms: spread(rounds.map((r) => r.p99Ms)),
    pushesPerSecond: spread(rounds.map((r) => r.pushesPerSecond)),
    serverCpuMsPerRound: spread(rounds.map((r) => r.serverCpuMs)),
  };
}

/** Every member but the owner: level All in the room, one push subscription each. */
async function seedSubscriptions(file: string, receiver: PushReceiver): Promise<void> {
  const store = new SqliteStore(file);
  try {
    let after: string | undefined;
    let owner = true;
    for (;;) {
      const page = await store.members.list(BENCH_ROOM, after, 500);
      for (const member of page.members) {
        if (member.role === "owner" && owner) {
          owner = false;
          continue;
        }
        const subscription = receiver.subscription();
        await store.notifications.setLevel(member.userId, BENCH_ROOM, "all");
        await store.notifications.subscribe({
          endpoint: subscription.endpoint,
          userId: member.userId,
          p256dh: subscription.keys.p256dh,
          auth: subscription.keys.auth,
          previews: false,
        });
      }
      after = page.members.at(-1)?.userId;
      if (!page.hasMore || after === undefined) break;
    }
  } finally {
    await store.close();
  }
}
