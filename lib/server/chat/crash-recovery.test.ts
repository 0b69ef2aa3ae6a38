import { join } from "node:path";
import { io } from "socket.io-client";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import type { ChatMessage } from "../../shared/protocol";
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
