import { join } from "node:path";
import { io } from "socket.io-client";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import type {
  ChatMessage,
  MemberChange,
  RequestEvent,
  RequestOf,
  Result,
  ResultOf,
} from "../../shared/protocol";
import { request } from "../testing/chat-test-server";
import { PROJECT_ROOT, ServerProcess } from "../testing/server-process";

/**
 * The total-queue check of Jepsen, for Scrollback: bots send concurrently with
 * acknowledgements while the server process is killed with SIGKILL at a random
 * moment and restarted on the same database; the bots reconnect with their
 * token and resend what was not acknowledged with the same clientId. Then every
 * acknowledged message must be stored exactly once, as its acknowledgement
 * said, and the room's sequence must run 1..N without a gap.
 *
 * The server is `testing/chat-server-process.ts`: server.ts's composition
 * (config, SQLite store, identities, Socket.IO, chat handlers) without Next.js,
 * as its own OS process, so the test needs no production build and a restart
 * takes about a second.
 */

const SERVER_ENTRY = join(PROJECT_ROOT, "lib/server/testing/chat-server-process.ts");
const ROOM = "queue";

const RUNS = 5;
const BOTS = 6;
const MESSAGES_PER_BOT = 40;
/** Sends each bot keeps in flight at once, so that group commits hold several messages. */
const IN_FLIGHT_PER_BOT = 4;
const ACK_TIMEOUT_MS = 3_000;
const RUN_DEADLINE_MS = 30_000;
/** What the test allows each (re)start of the server process, on a busy machine. */
const RESTART_ALLOWANCE_MS = 20_000;

const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a tiny seeded generator, so that a failing run can be replayed with CRASH_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Acked = { id: string; seq: number; duplicate: boolean };

/**
 * A bot as docs/protocol.md tells bot authors to write one: it keeps its token
 * across reconnects, rejoins after every connect, and resends a message that
 * got no acknowledgement with the same clientId until one comes.
 */
class Bot {
  readonly socket: ChatClientSocket;
  private token: string | undefined;
  /** The connection (socket id) on which the room was joined. */
  private joinedOn: string | undefined;
  private joining = false;
  /** clientIds in the order they were written. */
  readonly written: string[] = [];
  readonly acked = new Map<string, Acked>();
  attempts = 0;

  constructor(
    url: string,
    readonly name: string,
    private readonly onAck: () => void,
  ) {
    this.socket = io(url, {
      transports: ["websocket"],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      auth: (send) => send(this.token ? { token: this.token } : { name }),
    });
    this.socket.on("session", (session) => {
      this.token = session.token;
    });
  }

  /** Resolves once connected and joined on the current connection. */
  private async ready(deadline: number): Promise<void> {
    for (;;) {
      const { socket } = this;
      if (socket.connected && this.joinedOn === socket.id) return;
      if (Date.now() > deadline) throw new Error(`${this.name} could not rejoin in time`);
      if (socket.connected && !this.joining) {
        this.joining = true;
        const connection = socket.id;
        request(socket, "room:join", { room: ROOM, limit: 1 })
          .then((result) => {
            if (result.ok && socket.id === connection) this.joinedOn = connection;
          })
          .catch(() => {})
          .finally(() => {
            this.joining = false;
          });
      }
      await sleep(20);
    }
  }

  private async sendUntilAcked(clientId: string, deadline: number): Promise<void> {
    const text = `message ${clientId}`;
    for (;;) {
      await this.ready(deadline);
      this.attempts++;
      const emitter = this.socket.timeout(ACK_TIMEOUT_MS);
      let result: Awaited<ReturnType<typeof request<"message:send">>>;
      try {
        result = await emitter.emitWithAck("message:send", { room: ROOM, text, clientId });
      } catch {
        continue; // timed out or disconnected: maybe stored, maybe not; resend the same clientId
      }
      if (result.ok) {
        const { message, duplicate } = result;
        this.acked.set(clientId, { id: message.id, seq: message.seq, duplicate });
        this.onAck();
        return;
      }
      if (result.error.code === "not_joined") this.joinedOn = undefined;
      else if (result.error.code === "rate_limited" || result.error.code === "unavailable")
        await sleep(result.error.retryAfterMs ?? 100);
      else throw new Error(`${this.name}: ${clientId} refused: ${result.error.code}`);
    }
  }

  /**
   * A change (edit, delete, reaction), resent as it is until answered: the
   * protocol makes every change safe to resend. Changes need no join.
   */
  async changeUntilAcked<E extends RequestEvent>(
    event: E,
    payload: RequestOf<E>,
    deadline: number,
  ): Promise<ResultOf<E>> {
    for (;;) {
      while (!this.socket.connected) {
        if (Date.now() > deadline) throw new Error(`${this.name} could not reconnect in time`);
        await sleep(20);
      }
      this.attempts++;
      const emitter = this.socket.timeout(ACK_TIMEOUT_MS) as unknown as {
        emitWithAck(event: E, payload: RequestOf<E>): Promise<Result<ResultOf<E>>>;
      };
      let result: Result<ResultOf<E>>;
      try {
        result = await emitter.emitWithAck(event, payload);
      } catch {
        continue; // maybe applied, maybe not; the same change again is applied at most once
      }
      if (result.ok) {
        this.onAck();
        return result;
      }
      if (result.error.code === "rate_limited" || result.error.code === "unavailable")
        await sleep(result.error.retryAfterMs ?? 100);
      else throw new Error(`${this.name}: ${event} refused: ${result.error.code}`);
    }
  }

  async run(count: number, inFlight: number, deadline: number): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const clientId = `${this.name}-${next++}`;
        this.written.push(clientId);
        await this.sendUntilAcked(clientId, deadline);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  }
}

/** Everything stored in the room, read back over the protocol as any client would. */
async function readRoom(url: string): Promise<{ messages: ChatMessage[]; latestSeq: number }> {
  const socket: ChatClientSocket = io(url, { transports: ["websocket"], forceNew: true });
  try {
    const joined = await request(socket, "room:join", { room: ROOM, since: 0, limit: 200 });
    if (!joined.ok) throw new Error(`join failed: ${joined.error.code}`);
    const messages = [...joined.messages];
    let hasMore = joined.hasMore;
    while (hasMore) {
      const page = await request(socket, "history:after", {
        room: ROOM,
        after: messages.at(-1)?.seq ?? 0,
        limit: 200,
      });
      if (!page.ok) throw new Error(`history failed: ${page.error.code}`);
      messages.push(...page.messages);
      hasMore = page.hasMore;
    }
    return { messages, latestSeq: joined.latestSeq };
  } finally {
    socket.disconnect();
  }
}

type RunFigures = {
  run: number;
  killedAfterAcks: number[];
  acknowledged: number;
  acknowledgedBeforeLastKill: number;
  resends: number;
  duplicateAcks: number;
  lost: number;
  duplicated: number;
  seqGaps: number;
};

const figures: RunFigures[] = [];
let server: ServerProcess | null = null;
let bots: Bot[] = [];

afterEach(async () => {
  for (const bot of bots) bot.socket.disconnect();
  bots = [];
  await server?.dispose();
  server = null;
});

afterAll(() => {
  const sum = (key: keyof Omit<RunFigures, "run" | "killedAfterAcks">) =>
    figures.reduce((total, f) => total + f[key], 0);
  console.log(
    `crash test (seed ${SEED}): ${figures.length} runs, ` +
      `${figures.reduce((n, f) => n + f.killedAfterAcks.length, 0)} kills, ` +
      `${sum("acknowledged")} acknowledged (${sum("acknowledgedBeforeLastKill")} before the last kill), ` +
      `${sum("resends")} resends, ${sum("duplicateAcks")} answered as duplicates, ` +
      `${sum("lost")} lost, ${sum("duplicated")} duplicated, ${sum("seqGaps")} seq gaps`,
  );
  for (const f of figures) console.log(`  ${JSON.stringify(f)}`);
});

describe("crash recovery (SIGKILL of the server process)", () => {
  const next = random(SEED);
  const total = BOTS * MESSAGES_PER_BOT;

  it.each(Array.from({ length: RUNS }, (_, run) => run))(
    `run %i: every acknowledged message survives, once, with seq 1..N (seed ${SEED})`,
    async (run) => {
      server = await ServerProcess.start({ args: ["--import", "tsx", SERVER_ENTRY] });
      const proc = server;

      // Every other run kills twice, the second time while the bots are resending.
      const kills = run % 2 === 0 ? 1 : 2;
      const killPoints = Array.from({ length: kills }, () =>
        Math.floor(total * (0.1 + 0.7 * next())),
      ).sort((a, b) => a - b);
      const jitterMs = Array.from({ length: kills }, () => Math.floor(next() * 25));

      let ackCount = 0;
      let notify: (() => void) | null = null;
      const onAck = () => {
        ackCount++;
        notify?.();
      };
      bots = Array.from({ length: BOTS }, (_, i) => new Bot(proc.url, `bot${i}`, onAck));
      const deadline = Date.now() + RUN_DEADLINE_MS;
      const sending = Promise.all(
        bots.map((bot) => bot.run(MESSAGES_PER_BOT, IN_FLIGHT_PER_BOT, deadline)),
      );
      // Awaited below; until then a bot's failure is not an unhandled rejection.
      sending.catch(() => {});

      const killedAfterAcks: number[] = [];
      let acknowledgedBeforeLastKill = 0;
      for (const [i, point] of killPoints.entries()) {
        const reached = new Promise<void>((resolve) => {
          notify = () => {
            if (ackCount >= point) resolve();
          };
          notify();
        });
        // A bot that gives up fails the run with its own error, not a timeout waiting for acks.
        await Promise.race([reached, sending]);
        notify = null;
        await sleep(jitterMs[i] ?? 0);
        acknowledgedBeforeLastKill = ackCount;
        killedAfterAcks.push(ackCount);
        await proc.restart("SIGKILL");
      }
      await sending;

      const { messages, latestSeq } = await readRoom(proc.url);
      const written = bots.flatMap((bot) => bot.written);
      const acked = new Map(bots.flatMap((bot) => [...bot.acked]));
      const storedByClientId = new Map<string, ChatMessage[]>();
      for (const message of messages) {
        const copies = storedByClientId.get(message.clientId) ?? [];
        copies.push(message);
        storedByClientId.set(message.clientId, copies);
      }

      // An acknowledged message is lost if it is missing or stored as something other than its ack said.
      const lost = [...acked].filter(([clientId, ack]) => {
        const copies = storedByClientId.get(clientId) ?? [];
        return !copies.some((m) => m.id === ack.id && m.seq === ack.seq);
      });
      const duplicated = [...storedByClientId].filter(([, copies]) => copies.length > 1);
      const seqs = messages.map((m) => m.seq);
      const expectedSeqs = Array.from({ length: messages.length }, (_, i) => i + 1);
      const seqGaps = seqs.filter((seq, i) => seq !== expectedSeqs[i]).length;

      figures.push({
        run,
        killedAfterAcks,
        acknowledged: acked.size,
        acknowledgedBeforeLastKill,
        resends: bots.reduce((n, bot) => n + bot.attempts, 0) - written.length,
        duplicateAcks: [...acked.values()].filter((a) => a.duplicate).length,
        lost: lost.length,
        duplicated: duplicated.length,
        seqGaps,
      });

      expect(lost.map(([clientId]) => clientId)).toEqual([]);
      expect(duplicated.map(([clientId]) => clientId)).toEqual([]);
      expect(seqs).toEqual(expectedSeqs);
      expect(latestSeq).toBe(messages.length);
      // Every bot finished, so every message written was acknowledged and stored; nothing else was.
      expect(acked.size).toBe(total);
      expect([...storedByClientId.keys()].sort()).toEqual([...written].sort());
    },
    RUN_DEADLINE_MS + 3 * RESTART_ALLOWANCE_MS,
  );
});

/**
 * Every message of the room in its current state, and every membership's
 * latest change, replayed with `changes:after 0` in small pages.
 */
async function replayChanges(
  url: string,
): Promise<{ messages: ChatMessage[]; members: MemberChange[]; latestRev: number }> {
  const socket: ChatClientSocket = io(url, { transports: ["websocket"], forceNew: true });
  try {
    const messages: ChatMessage[] = [];
    const members: MemberChange[] = [];
    let after = 0;
    for (;;) {
      const page = await request(socket, "changes:after", { room: ROOM, after, limit: 37 });
      if (!page.ok) throw new Error(`changes:after failed: ${page.error.code}`);
      messages.push(...page.messages);
      members.push(...page.members);
      if (!page.hasMore) return { messages, members, latestRev: page.latestRev };
      after = Math.max(after, ...[...page.messages, ...page.members].map((c) => c.rev));
    }
  } finally {
    socket.disconnect();
  }
}

const CHANGE_RUNS = 3;
const MESSAGES_KEPT_PER_BOT = 6;
const MESSAGES_DOOMED_PER_BOT = 2;
const CHANGES_PER_BOT = 30;
const EMOJI = ["👍", "🎉", "❤️", "🇵🇹", "👩🏽‍💻"] as const;

/** One change a bot makes, on one message (by its index among every bot's messages). */
type PlannedChange =
  | { kind: "edit"; target: number; text: string }
  | { kind: "delete"; target: number }
  | { kind: "reaction"; target: number; emoji: string; added: boolean };

/** What the room must hold once every planned change was acknowledged. */
type ExpectedMessage = { text: string; deleted: boolean; reactions: Map<string, Set<string>> };

/**
 * Each bot's changes, and the state they lead to. A message is either kept
 * (its author edits it, everyone toggles reactions on it) or doomed (its
 * author edits it, then deletes it, and nobody else touches it), and each
 * bot's changes to one message are made one after another: so every change
 * changes something exactly once, whatever the interleaving, and the room
 * must end at rev (messages + changes) with each message as planned.
 */
function planChanges(
  next: () => number,
  messages: { author: number; text: string; doomed: boolean }[],
): { plans: PlannedChange[][]; expected: ExpectedMessage[] } {
  const expected: ExpectedMessage[] = messages.map((m) => ({
    text: m.text,
    deleted: false,
    reactions: new Map(),
  }));
  const kept = messages.flatMap((m, i) => (m.doomed ? [] : [i]));
  const plans = Array.from({ length: BOTS }, (_, bot) => {
    const plan: PlannedChange[] = [];
    const own = kept.filter((i) => messages[i]?.author === bot);
    for (let n = 0; n < CHANGES_PER_BOT; n++) {
      if (next() < 0.3 && own.length > 0) {
        const target = own[Math.floor(next() * own.length)] ?? 0;
        const text = `edit by bot${bot} #${n}`;
        plan.push({ kind: "edit", target, text });
        const state = expected[target];
        if (state) state.text = text;
        continue;
      }
      const target = kept[Math.floor(next() * kept.length)] ?? 0;
      const emoji = EMOJI[Math.floor(next() * EMOJI.length)] ?? "👍";
      const state = expected[target];
      if (!state) continue;
      const holders = state.reactions.get(emoji) ?? new Set<string>();
      const added = !holders.has(`bot${bot}`);
      if (added) holders.add(`bot${bot}`);
      else holders.delete(`bot${bot}`);
      state.reactions.set(emoji, holders);
      plan.push({ kind: "reaction", target, emoji, added });
    }
    for (const [target, m] of messages.entries()) {
      if (!m.doomed || m.author !== bot) continue;
      plan.push({ kind: "edit", target, text: `last words of bot${bot} #${target}` });
      plan.push({ kind: "delete", target });
      const state = expected[target];
      if (state) Object.assign(state, { text: "", deleted: true, reactions: new Map() });
    }
    return plan;
  });
  return { plans, expected };
}

function countsOf(reactions: Map<string, Set<string>>): [string, number][] {
  return [...reactions]
    .filter(([, holders]) => holders.size > 0)
    .map(([emoji, holders]): [string, number] => [emoji, holders.size])
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

describe("crash recovery of changes (SIGKILL while edits, deletes and reactions are in flight)", () => {
  const next = random(SEED ^ 0x5eed);

  it.each(Array.from({ length: CHANGE_RUNS }, (_, run) => run))(
    `run %i: every acknowledged change is reflected, none applied twice, revs gap-free (seed ${SEED})`,
    async () => {
      server = await ServerProcess.start({ args: ["--import", "tsx", SERVER_ENTRY] });
      const proc = server;
      let ackCount = 0;
      let notify: (() => void) | null = null;
      const onAck = () => {
        ackCount++;
        notify?.();
      };
      bots = Array.from({ length: BOTS }, (_, i) => new Bot(proc.url, `bot${i}`, onAck));
      const deadline = Date.now() + RUN_DEADLINE_MS;
      const perBot = MESSAGES_KEPT_PER_BOT + MESSAGES_DOOMED_PER_BOT;
      await Promise.all(bots.map((bot) => bot.run(perBot, IN_FLIGHT_PER_BOT, deadline)));

      const messages = bots.flatMap((bot, author) =>
        bot.written.map((clientId, i) => ({
          author,
          id: bot.acked.get(clientId)?.id ?? "",
          text: `message ${clientId}`,
          doomed: i >= MESSAGES_KEPT_PER_BOT,
        })),
      );
      const { plans, expected } = planChanges(next, messages);
      const totalChanges = plans.reduce((n, plan) => n + plan.length, 0);

      // Each bot's changes to one message go through one worker, in order.
      const applying = Promise.all(
        bots.map((bot, b) =>
          Promise.all(
            Array.from({ length: IN_FLIGHT_PER_BOT }, async (_, worker) => {
              for (const change of plans[b] ?? []) {
                if (change.target % IN_FLIGHT_PER_BOT !== worker) continue;
                const id = messages[change.target]?.id ?? "";
                if (change.kind === "edit")
                  await bot.changeUntilAcked(
                    "message:edit",
                    { room: ROOM, id, text: change.text },
                    deadline,
                  );
                else if (change.kind === "delete")
                  await bot.changeUntilAcked("message:delete", { room: ROOM, id }, deadline);
                else
                  await bot.changeUntilAcked(
                    change.added ? "reaction:add" : "reaction:remove",
                    { room: ROOM, id, emoji: change.emoji },
                    deadline,
                  );
              }
            }),
          ),
        ),
      );
      applying.catch(() => {});

      const start = ackCount;
      const killPoints = [0.2, 0.6]
        .map((share) => start + Math.floor(totalChanges * (share + 0.2 * next())))
        .sort((a, b) => a - b);
      for (const point of killPoints) {
        const reached = new Promise<void>((resolve) => {
          notify = () => {
            if (ackCount >= point) resolve();
          };
          notify();
        });
        await Promise.race([reached, applying]);
        notify = null;
        await sleep(Math.floor(next() * 25));
        await proc.restart("SIGKILL");
      }
      await applying;

      const resends = bots.reduce((n, bot) => n + bot.attempts, 0) - messages.length - totalChanges;
      console.log(
        `crash test of changes (seed ${SEED}): ${messages.length} messages, ${totalChanges} changes, ` +
          `killed after ${killPoints.map((p) => p - start).join(" and ")} change acks, ${resends} resends`,
      );
      const replayed = await replayChanges(proc.url);
      const revs = replayed.messages.map((m) => m.rev);
      // Each message once, ascending by rev; the room took one rev per message,
      // per change, and per membership (each bot joined once: the room's maker
      // as its owner, the others as members) — together gap-free.
      expect(new Set(replayed.messages.map((m) => m.id)).size).toBe(messages.length);
      expect(revs).toEqual(revs.toSorted((a, b) => a - b));
      expect(new Set(revs).size).toBe(revs.length);
      expect(replayed.members.map((m) => m.kind)).toEqual(replayed.members.map(() => "joined"));
      expect(replayed.members.length).toBeLessThanOrEqual(BOTS);
      const allRevs = [...revs, ...replayed.members.map((m) => m.rev)].sort((a, b) => a - b);
      expect(new Set(allRevs).size).toBe(allRevs.length);
      expect(replayed.latestRev).toBe(messages.length + totalChanges + replayed.members.length);
      expect(allRevs.at(-1)).toBe(replayed.latestRev);
      const byId = new Map(replayed.messages.map((m) => [m.id, m]));
      const actual = messages.map((m) => {
        const stored = byId.get(m.id);
        return {
          text: stored?.text,
          deleted: stored?.deleted,
          reactions: (stored?.reactions ?? [])
            .map((r): [string, number] => [r.emoji, r.count])
            .sort(([a], [b]) => (a < b ? -1 : 1)),
        };
      });
      expect(actual).toEqual(
        expected.map((e) => ({
          text: e.text,
          deleted: e.deleted,
          reactions: countsOf(e.reactions),
        })),
      );
      const { messages: history } = await readRoom(proc.url);
      expect(history.map((m) => m.seq)).toEqual(
        Array.from({ length: messages.length }, (_, i) => i + 1),
      );
    },
    RUN_DEADLINE_MS + 3 * RESTART_ALLOWANCE_MS,
  );
});
