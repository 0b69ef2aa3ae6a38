import type {
  AckedChange,
  GeneratorCommand,
  GeneratorReply,
  LoadReport,
  ReceivedUpdate,
} from "./generator-protocol";
import { Histogram } from "./histogram";
import { BENCH_ROOM, markText, nowMs, readMarker, readRev, WireClient } from "./wire";

/**
 * One load-generator process: holds its share of the clients, sends at the
 * rate it is told, and records the latency of every delivery to its clients
 * in a histogram it reports back. Runs as a child process, so that the
 * generator's CPU is its own and visible.
 */
const clients: WireClient[] = [];
const latency = new Histogram();
const ackLatency = new Histogram();
let countedTag = "";
let deliveries = 0;

function onDelivery(frame: Buffer, receivedAt: number): void {
  const marker = readMarker(frame);
  if (!marker || marker.tag !== countedTag) return;
  deliveries++;
  latency.record(receivedAt - marker.sentAt);
}

/** Updates received during a reaction step, by rev: how many clients here got it, and when the last did. */
let updates: Map<number, { clients: number; lastAt: number }> | null = null;
let updateFrames = 0;
let updateBytes = 0;

function onUpdate(frame: Buffer, receivedAt: number): void {
  if (!updates) return;
  updateFrames++;
  updateBytes += frame.length;
  const rev = readRev(frame);
  const seen = updates.get(rev);
  if (seen) {
    seen.clients++;
    if (receivedAt > seen.lastAt) seen.lastAt = receivedAt;
  } else updates.set(rev, { clients: 1, lastAt: receivedAt });
}

function send(reply: GeneratorReply): void {
  process.send?.(reply);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(command: Extract<GeneratorCommand, { cmd: "connect" }>): Promise<void> {
  const times = new Histogram();
  let failed = 0;
  let signedIn = 0;
  let firstError: string | null = null;
  let next = 0;
  const worker = async () => {
    while (next < command.count) {
      const index = next++;
      const id = command.idOffset + index;
      const room = command.roomPerClient ? `${BENCH_ROOM}-${id}` : BENCH_ROOM;
      const client = new WireClient(command.kind, command.url, id, { onDelivery, onUpdate }, room, {
        ...command.credentials?.[index],
      });
      try {
        await client.connect();
        clients.push(client);
        times.record(client.connectMs);
        if (client.session?.account) signedIn++;
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, worker));
  send({
    reply: "connect",
    connected: clients.length,
    failed,
    signedIn,
    firstError,
    connectMs: times.toJSON(),
  });
}

/** What one step's senders did: sent, acknowledged, refused (by code), and how long acks took. */
class Tally {
  sent = 0;
  acked = 0;
  readonly rejected: Record<string, number> = {};

  /** Sends `text` from `client`, counting it and its answer. */
  send(client: WireClient, tag: string, text: string, then?: () => void): void {
    const sentAt = nowMs();
    this.sent++;
    client.sendChat(markText(tag, sentAt, text), (result) => {
      ackLatency.record(nowMs() - sentAt);
      if (result.ok) this.acked++;
      else {
        const code = result.code ?? "unknown";
        this.rejected[code] = (this.rejected[code] ?? 0) + 1;
      }
      then?.();
    });
  }
}

function startStep(tag: string): { tally: Tally; report: () => LoadReport } {
  countedTag = tag;
  deliveries = 0;
  latency.reset();
  ackLatency.reset();
  const cpuAtStart = process.cpuUsage();
  const openAtStart = clients.filter((c) => c.isOpen).length;
  const tally = new Tally();
  return {
    tally,
    report: () => {
      const cpu = process.cpuUsage(cpuAtStart);
      return {
        sent: tally.sent,
        acked: tally.acked,
        rejected: tally.rejected,
        unacked: clients.reduce((sum, c) => sum + c.pendingAcks, 0),
        deliveries,
        latency: latency.toJSON(),
        ackLatency: ackLatency.toJSON(),
        cpuMs: (cpu.user + cpu.system) / 1000,
        dropped: openAtStart - clients.filter((c) => c.isOpen).length,
      };
    },
  };
}

function filler(bytes: number): string {
  return "x".repeat(Math.max(0, bytes));
}

/** Open-loop load: a fixed rate regardless of how the server keeps up, as real people send. */
async function load(command: Extract<GeneratorCommand, { cmd: "load" }>): Promise<void> {
  const step = startStep(command.tag);
  const senders = clients.filter((c) => c.isOpen).slice(0, command.senders);
  const text = filler(command.fillerBytes);
  const startedAt = performance.now();
  while (senders.length > 0) {
    const elapsed = performance.now() - startedAt;
    if (elapsed >= command.durationMs) break;
    const due = Math.floor((elapsed * command.rate) / 1000) - step.tally.sent;
    for (let i = 0; i < due; i++) {
      step.tally.send(senders[step.tally.sent % senders.length] as WireClient, command.tag, text);
    }
    await sleep(5);
  }
  await sleep(command.settleMs);
  send({ reply: "load", ...step.report() });
}

type ReactionKey = { id: string; emoji: string };
const keyOf = (k: ReactionKey) => `${k.id} ${k.emoji}`;
/** The reactions each client has on the server now, across steps (a step that re-added one would change nothing). */
const reactions = new WeakMap<WireClient, Set<string>>();
function reactionsOf(client: WireClient): Set<string> {
  let set = reactions.get(client);
  if (!set) {
    set = new Set();
    reactions.set(client, set);
  }
  return set;
}

/**
 * A reaction storm, open loop: each sender is its own person and toggles its
 * own reactions (add, then remove, then add…) over every message × emoji, so
 * that every request is a real change that takes a rev; a key whose previous
 * request is unanswered is passed over, so that no toggle is a no-op.
 */
async function react(command: Extract<GeneratorCommand, { cmd: "react" }>): Promise<void> {
  const senders = clients.filter((c) => c.isOpen).slice(0, command.senders);
  const keys = command.messages.flatMap((id) => command.emoji.map((emoji) => ({ id, emoji })));
  const state = senders.map((client, i) => ({
    reacted: reactionsOf(client),
    pending: new Set<string>(),
    // Senders start at different keys, so that the load spreads over the messages.
    cursor: (i * 7) % Math.max(1, keys.length),
  }));
  const acked: AckedChange[] = [];
  const rejected: Record<string, number> = {};
  let sent = 0;
  let skipped = 0;
  updates = new Map();
  updateFrames = 0;
  updateBytes = 0;
  const cpuAtStart = process.cpuUsage();
  const openAtStart = clients.filter((c) => c.isOpen).length;

  const toggle = (sender: number) => {
    const client = senders[sender] as WireClient;
    const mine = state[sender] as (typeof state)[number];
    let index = -1;
    for (let tries = 0; tries < keys.length; tries++) {
      const candidate = (mine.cursor + tries) % keys.length;
      if (!mine.pending.has(keyOf(keys[candidate] as ReactionKey))) {
        index = candidate;
        break;
      }
    }
    if (index < 0) {
      skipped++;
      return;
    }
    mine.cursor = (index + 1) % keys.length;
    const { id, emoji } = keys[index] as ReactionKey;
    const key = keyOf({ id, emoji });
    const add = !mine.reacted.has(key);
    const sentAt = nowMs();
    sent++;
    mine.pending.add(key);
    client.request(
      add ? "reaction:add" : "reaction:remove",
      { room: client.room, id, emoji },
      (result, frame) => {
        mine.pending.delete(key);
        if (result.ok) {
          if (add) mine.reacted.add(key);
          else mine.reacted.delete(key);
          acked.push([readRev(frame), sentAt, nowMs()]);
        } else {
          const code = result.code ?? "unknown";
          rejected[code] = (rejected[code] ?? 0) + 1;
        }
      },
    );
  };

  const startedAt = performance.now();
  while (senders.length > 0 && keys.length > 0) {
    const elapsed = performance.now() - startedAt;
    if (elapsed >= command.durationMs) break;
    const due = Math.floor((elapsed * command.rate) / 1000) - sent - skipped;
    for (let i = 0; i < due; i++) toggle((sent + skipped) % senders.length);
    await sleep(5);
  }
  await sleep(command.settleMs);
  const received: ReceivedUpdate[] = [...updates].map(([rev, u]) => [rev, u.clients, u.lastAt]);
  updates = null;
  const cpu = process.cpuUsage(cpuAtStart);
  send({
    reply: "react",
    sent,
    acked,
    rejected,
    skipped,
    unacked: clients.reduce((sum, c) => sum + c.pendingAcks, 0),
    received,
    updateFrames,
    updateBytes,
    cpuMs: (cpu.user + cpu.system) / 1000,
    dropped: openAtStart - clients.filter((c) => c.isOpen).length,
  });
}

/** Closed-loop writes: each sender sends its next message as soon as the last is acknowledged. */
async function closedLoop(
  command: Extract<GeneratorCommand, { cmd: "closed-loop" }>,
): Promise<void> {
  const step = startStep(command.tag);
  const senders = clients.filter((c) => c.isOpen).slice(0, command.senders);
  const text = filler(command.fillerBytes);
  const deadline = performance.now() + command.durationMs;
  const sendNext = (client: WireClient) => {
    if (performance.now() >= deadline || !client.isOpen) return;
    step.tally.send(client, command.tag, text, () => sendNext(client));
  };
  for (const client of senders) sendNext(client);
  await sleep(command.durationMs + command.settleMs);
  send({ reply: "closed-loop", ...step.report() });
}

/** Drops `count` connections and opens them again all at once, as after a network blip. */
async function reconnect(count: number): Promise<void> {
  const chosen = clients.slice(0, count);
  for (const client of chosen) client.close();
  const times = new Histogram();
  const connectTimes = new Histogram();
  let failed = 0;
  let signedIn = 0;
  let historyBytes = 0;
  await Promise.all(
    chosen.map(async (client) => {
      try {
        await client.connect();
        times.record(client.historyMs);
        connectTimes.record(client.connectMs);
        if (client.session?.account) signedIn++;
        historyBytes += client.historyBytes;
      } catch {
        failed++;
      }
    }),
  );
  send({
    reply: "reconnect",
    reconnected: chosen.length - failed,
    failed,
    signedIn,
    connectMs: connectTimes.toJSON(),
    historyMs: times.toJSON(),
    historyBytes,
  });
}

process.on("message", (command: GeneratorCommand) => {
  const work = (): Promise<void> => {
    switch (command.cmd) {
      case "connect":
        return connect(command);
      case "load":
        return load(command);
      case "closed-loop":
        return closedLoop(command);
      case "react":
        return react(command);
      case "reconnect":
        return reconnect(command.count);
      case "close":
        for (const client of clients.splice(0)) client.close();
        send({ reply: "close" });
        return Promise.resolve();
    }
  };
  work().catch((error: unknown) => send({ reply: "error", message: String(error) }));
});
process.on("disconnect", () => process.exit(0));
