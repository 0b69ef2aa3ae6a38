import { io, type ManagerOptions } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatTestServer, eventually, request } from "../server/testing/chat-test-server";
import { LinkRelay } from "../server/testing/link-relay";
import type { ChatMessage } from "../shared/protocol";
import { memoryOutboxStorage, type OutboxEntry, type OutboxStorage } from "./outbox";
import { type ChatClientSocket, RoomClient, type RoomClientOptions } from "./room-client";
import { switchableNetwork } from "./testing/switchable-network";
import { hasOlder } from "./timeline";

const ROOM = "general";
/** Short, so that tests of lost answers do not wait the production timeout. */
const FAST: RoomClientOptions = { requestTimeoutMs: 2_000, retryDelayMs: 100 };
const WAIT_MS = 15_000;

let server: ChatTestServer;
let relay: LinkRelay;
const sockets: ChatClientSocket[] = [];
const clients: RoomClient[] = [];

beforeEach(async () => {
  server = await ChatTestServer.start();
  relay = await LinkRelay.start(server.port);
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.stop();
  for (const socket of sockets.splice(0)) socket.disconnect();
  await relay.close();
  await server.dispose();
});

type Tab = { client: RoomClient; socket: ChatClientSocket; storage: OutboxStorage };

/**
 * A RoomClient as a browser tab runs it, through the relay unless told
 * otherwise. Node has no cookie jar, so the identity travels as a bot's does:
 * the token from the first `session` goes with every reconnect.
 */
function openTab(
  options: {
    storage?: OutboxStorage;
    token?: string;
    url?: string;
    clientOptions?: RoomClientOptions;
    /** Socket.IO's reconnection backoff, short unless a test needs it long. */
    backoff?: Pick<ManagerOptions, "reconnectionDelay" | "reconnectionDelayMax">;
  } = {},
): Tab {
  let token = options.token;
  const socket: ChatClientSocket = io(options.url ?? relay.url, {
    transports: ["websocket"],
    forceNew: true,
    autoConnect: false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 250,
    ...options.backoff,
    auth: (send) => send(token ? { token } : { name: "Tab" }),
  });
  socket.on("session", (session) => {
    token = session.token;
  });
  const storage = options.storage ?? memoryOutboxStorage();
  const client = new RoomClient(socket, ROOM, storage, options.clientOptions ?? FAST);
  client.start();
  socket.connect();
  sockets.push(socket);
  clients.push(client);
  return { client, socket, storage };
}

/** Someone else in the room, connected straight to the server. */
async function otherPerson(): Promise<ChatClientSocket> {
  const { socket } = await server.connect({ auth: { name: "Other" } });
  await request(socket, "room:join", { room: ROOM });
  return socket;
}

/** Numbers every message `say` sends: a clientId reused by mistake would be a retry, stored once. */
let said = 0;

/** Sends in one go; one socket's requests are stored in the order they were sent. */
/**
 * Sends one after another: sends in flight together may be stored in any
 * order (the protocol promises order only to a sender that waits for each
 * ack, as the outbox does), and the tests compare timelines with `texts`.
 */
async function say(socket: ChatClientSocket, texts: readonly string[]): Promise<void> {
  for (const text of texts) {
    const ack = await request(socket, "message:send", {
      room: ROOM,
      text,
      clientId: `said-${++said}`,
    });
    // Each is a new message, not taken for a retry of an earlier one.
    expect(ack).toMatchObject({ ok: true, duplicate: false });
  }
}

async function joined(tab: Tab): Promise<void> {
  await eventually(() => expect(tab.client.getSnapshot().joined).toBe(true), WAIT_MS);
}

const texts = (tab: Tab) => tab.client.getSnapshot().timeline.messages.map((m) => m.text);
const seqs = (tab: Tab) => tab.client.getSnapshot().timeline.messages.map((m) => m.seq);
const numbered = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Everything the room holds, page by page (pages are bounded in bytes as well as in messages). */
async function stored(): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  for (;;) {
    const page = await server.store.messages.after(ROOM, all.at(-1)?.seq ?? 0, 10_000);
    all.push(...page.messages);
    if (!page.hasMore) return all;
  }
}

/** Every `message:send` the server receives, by clientId, in arrival order. */
function recordSends(): string[] {
  const clientIds: string[] = [];
  server.io.on("connection", (socket) => {
    socket.use(([event, payload], next) => {
      if (event === "message:send") clientIds.push((payload as { clientId: string }).clientId);
      next();
    });
  });
  return clientIds;
}

/** The events of each server-side connection, in the order they arrived. */
function recordEventsPerConnection(): Map<string, string[]> {
  const events = new Map<string, string[]>();
  server.io.on("connection", (socket) => {
    const seen: string[] = [];
    events.set(socket.id, seen);
    socket.use(([event], next) => {
      seen.push(event);
      next();
    });
  });
  return events;
}

/** Answers no `room:join` until this many have arrived, so that tabs start sending together. */
function holdJoinsUntil(count: number): void {
  const held: (() => void)[] = [];
  let released = false;
  server.io.on("connection", (socket) => {
    socket.use(([event], next) => {
      if (released || event !== "room:join") return next();
      held.push(() => next());
      if (held.length < count) return;
      released = true;
      for (const release of held.splice(0)) release();
    });
  });
}

/**
 * Replaces the acknowledgement of the next `message:send` after the server has
 * handled it: the message is stored and broadcast, but its ack is not delivered.
 */
function interceptNextSendAck(instead: (ack: (result: unknown) => void) => void): void {
  let pending = true;
  server.io.on("connection", (socket) => {
    socket.use((packet, next) => {
      const ack = packet.at(-1);
      if (pending && packet[0] === "message:send" && typeof ack === "function") {
        pending = false;
        packet[packet.length - 1] = (result: unknown) => instead(() => ack(result));
      }
      next();
    });
  });
}

describe("RoomClient receiving", () => {
  it("shows history, then live messages, once each and in order", async () => {
    const other = await otherPerson();
    await say(other, ["one", "two"]);
    const tab = openTab();
    await joined(tab);
    expect(texts(tab)).toEqual(["one", "two"]);
    await say(other, ["three"]);
    await eventually(() => expect(texts(tab)).toEqual(["one", "two", "three"]), WAIT_MS);
  });

  it("after a dropped link it catches up on everything it missed, over several pages", async () => {
    const other = await otherPerson();
    await say(other, ["before 1", "before 2"]);
    const tab = openTab();
    await joined(tab);

    relay.cut();
    await eventually(() => expect(tab.client.getSnapshot().status).toBe("reconnecting"), WAIT_MS);
    // More than one page of history:after, so the catch-up has to loop.
    const missed = numbered("missed", 450);
    await say(other, missed);
    relay.restore();

    await eventually(() => {
      expect(tab.client.getSnapshot().status).toBe("connected");
      expect(texts(tab)).toEqual(["before 1", "before 2", ...missed]);
    }, WAIT_MS);
    expect(seqs(tab)).toEqual(range(1, 452));
  });

  it("a catch-up racing live messages ends with every message once, in order", async () => {
    const other = await otherPerson();
    await say(other, ["before"]);
    const tab = openTab();
    await joined(tab);

    relay.cut();
    await eventually(() => expect(tab.client.getSnapshot().joined).toBe(false), WAIT_MS);
    const missed = numbered("missed", 450);
    await say(other, missed);
    relay.restore();
    // Live messages keep coming while the tab is fetching what it missed.
    const live = numbered("live", 30);
    for (const text of live) await say(other, [text]);

    await eventually(() => expect(texts(tab)).toEqual(["before", ...missed, ...live]), WAIT_MS);
    expect(seqs(tab)).toEqual(range(1, 481));
  });

  it("a room that was empty when joined: a reconnect fetches all that was said, not only the newest page", async () => {
    const tab = openTab();
    await joined(tab);
    expect(texts(tab)).toEqual([]);

    relay.cut();
    await eventually(() => expect(tab.client.getSnapshot().joined).toBe(false), WAIT_MS);
    const missed = numbered("missed", 60);
    await say(await otherPerson(), missed);
    relay.restore();

    await eventually(() => expect(texts(tab)).toEqual(missed), WAIT_MS);
  });

  it("a live message that skips seqs makes it fetch the ones in between", async () => {
    const other = await otherPerson();
    await say(other, ["one"]);
    const tab = openTab();
    await joined(tab);
    const connectedAs = tab.socket.id;

    // Stored but never broadcast to this tab: only the next live message reveals them.
    for (const text of ["two", "three", "four"]) {
      await server.store.messages.append({
        room: ROOM,
        clientId: `direct-${text}`,
        text,
        author: { id: "someone", name: "Someone" },
      });
    }
    await say(other, ["five"]);

    await eventually(
      () => expect(texts(tab)).toEqual(["one", "two", "three", "four", "five"]),
      WAIT_MS,
    );
    expect(seqs(tab)).toEqual(range(1, 5));
    // Filled over the same connection, without a reconnect.
    expect(tab.socket.id).toBe(connectedAs);
  });

  it("a catch-up the server cannot answer is tried again until the gap is filled", async () => {
    // Both ways of filling it (missing seqs and missing revs) are refused twice.
    const refusals = new Map<string, number>();
    server.io.on("connection", (socket) => {
      socket.use((packet, next) => {
        const ack = packet.at(-1);
        const event = String(packet[0]);
        const refused = refusals.get(event) ?? 0;
        if (
          (event !== "history:after" && event !== "changes:after") ||
          refused >= 2 ||
          typeof ack !== "function"
        )
          return next();
        refusals.set(event, refused + 1);
        ack({ ok: false, error: { code: "unavailable", message: "try again shortly" } });
      });
    });
    const other = await otherPerson();
    await say(other, ["first"]);
    const tab = openTab();
    await joined(tab);
    await server.store.messages.append({
      room: ROOM,
      clientId: "direct",
      text: "never broadcast",
      author: { id: "someone", name: "Someone" },
    });
    await say(other, ["reveals the gap"]);

    await eventually(
      () => expect(texts(tab)).toEqual(["first", "never broadcast", "reveals the gap"]),
      WAIT_MS,
    );
    expect(refusals.get("history:after")).toBe(2);
    expect(refusals.get("changes:after")).toBe(2);
  });

  it("in a room that was empty when joined, a first live message that skips a seq reveals the gap", async () => {
    const tab = openTab();
    await joined(tab);
    await server.store.messages.append({
      room: ROOM,
      clientId: "direct",
      text: "never broadcast",
      author: { id: "someone", name: "Someone" },
    });
    await say(await otherPerson(), ["reveals the gap"]);

    await eventually(
      () => expect(texts(tab)).toEqual(["never broadcast", "reveals the gap"]),
      WAIT_MS,
    );
  });

  it("carries on across a server restart, with a message written while the server was down", async () => {
    const other = await otherPerson();
    await say(other, ["before"]);
    const tab = openTab({ url: server.url });
    await joined(tab);

    const restarted = server.restart();
    await eventually(() => expect(tab.client.getSnapshot().status).toBe("reconnecting"), WAIT_MS);
    tab.client.send("while it restarted");
    await restarted;

    await eventually(() => {
      expect(tab.client.getSnapshot().outbox).toEqual([]);
      expect(texts(tab)).toEqual(["before", "while it restarted"]);
    }, WAIT_MS);
    const after = await otherPerson();
    await say(after, ["after"]);
    await eventually(
      () => expect(texts(tab)).toEqual(["before", "while it restarted", "after"]),
      WAIT_MS,
    );
    expect((await stored()).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("reconnects by itself when the server closes the connection", async () => {
    const tab = openTab();
    await joined(tab);
    const first = tab.socket.id;
    for (const socket of await server.io.fetchSockets()) socket.disconnect(true);

    await eventually(() => {
      expect(tab.socket.id).not.toBe(first);
      expect(tab.client.getSnapshot().joined).toBe(true);
    }, WAIT_MS);
    tab.client.send("still here");
    await eventually(() => expect(texts(tab)).toEqual(["still here"]), WAIT_MS);
  });
});

describe("RoomClient with pages that stop short of their limit", () => {
  /** About twelve kilobytes each: a page holds a score of them, whatever its limit. */
  const long = (prefix: string, count: number) =>
    numbered(prefix, count).map((label) => `${label} ${"語".repeat(3990)}`);

  it("loads older pages until it holds the room from its first message", async () => {
    const other = await otherPerson();
    const said = long("old", 90);
    for (let i = 0; i < said.length; i += 30) await say(other, said.slice(i, i + 30));
    const tab = openTab();
    await joined(tab);
    const first = seqs(tab);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(50);
    expect(hasOlder(tab.client.getSnapshot().timeline)).toBe(true);

    for (let pages = 0; hasOlder(tab.client.getSnapshot().timeline) && pages < 20; pages++)
      await tab.client.loadOlder();
    expect(texts(tab)).toEqual(said);
  });

  it("after a dropped link it catches up on long messages, page after short page", async () => {
    const other = await otherPerson();
    const tab = openTab();
    await joined(tab);
    relay.cut();
    await eventually(() => expect(tab.client.getSnapshot().joined).toBe(false), WAIT_MS);
    const missed = long("missed", 60);
    for (let i = 0; i < missed.length; i += 30) await say(other, missed.slice(i, i + 30));
    relay.restore();
    await eventually(() => expect(texts(tab)).toEqual(missed), WAIT_MS);
  });

  it("catches up on everything while the server makes it wait for its history budget", async () => {
    const limited = await ChatTestServer.start({
      limits: { historyBytesPerIpPerSecond: 256 * 1024, historyByteBurstPerIp: 256 * 1024 },
    });
    const limitedRelay = await LinkRelay.start(limited.port);
    // The answers the server gives to the catch-up's pages, to see that it was made to wait.
    const answers: string[] = [];
    limited.io.on("connection", (socket) => {
      socket.use((packet, next) => {
        const ack = packet.at(-1);
        if (packet[0] === "history:after" && typeof ack === "function") {
          packet[packet.length - 1] = (result: { ok: boolean; error?: { code: string } }) => {
            answers.push(result.ok ? "ok" : (result.error?.code ?? "?"));
            ack(result);
          };
        }
        next();
      });
    });
    try {
      const { socket: other } = await limited.connect({ auth: { name: "Other" } });
      await request(other, "room:join", { room: ROOM });
      const tab = openTab({ url: limitedRelay.url });
      await joined(tab);
      limitedRelay.cut();
      await eventually(() => expect(tab.client.getSnapshot().joined).toBe(false), WAIT_MS);
      // About four times what the address may read in a second.
      const missed = long("missed", 80);
      for (let i = 0; i < missed.length; i += 20) await say(other, missed.slice(i, i + 20));
      limitedRelay.restore();
      await eventually(() => expect(texts(tab)).toEqual(missed), WAIT_MS);
      expect(answers).toContain("rate_limited");
    } finally {
      await limitedRelay.close();
      await limited.dispose();
    }
  });
});

describe("RoomClient sending", () => {
  it("a message written while the link is down waits as pending and is stored once when it returns", async () => {
    const events = recordEventsPerConnection();
    const tab = openTab();
    await joined(tab);

    relay.cut();
    await eventually(() => expect(tab.client.getSnapshot().status).toBe("reconnecting"), WAIT_MS);
    tab.client.send("written offline");
    tab.client.send("and another");
    expect(tab.client.getSnapshot().outbox.map((e) => [e.text, e.state])).toEqual([
      ["written offline", "pending"],
      ["and another", "pending"],
    ]);
    expect(await stored()).toEqual([]);

    relay.restore();
    await eventually(() => {
      expect(tab.client.getSnapshot().outbox).toEqual([]);
      expect(texts(tab)).toEqual(["written offline", "and another"]);
    }, WAIT_MS);
    expect((await stored()).map((m) => m.text)).toEqual(["written offline", "and another"]);
    // Nothing was buffered while disconnected and sent ahead of the join.
    for (const seen of events.values()) {
      if (seen.includes("message:send")) expect(seen[0]).toBe("room:join");
    }
  });

  it("a send cut off on its way is sent again as soon as the link is back", async () => {
    const sends = recordSends();
    let dropped = false;
    server.io.on("connection", (socket) => {
      socket.use(([event], next) => {
        if (dropped || event !== "message:send") return next();
        // The request never reaches the handler: the link fails under it, briefly.
        dropped = true;
        relay.cut();
        setTimeout(() => relay.restore(), 20);
      });
    });
    // The production retry pause, longer than the reconnect takes.
    const tab = openTab({ clientOptions: { requestTimeoutMs: 8_000, retryDelayMs: 1_000 } });
    await joined(tab);
    const firstConnection = tab.socket.id;

    tab.client.send("in flight when the link failed");
    await eventually(() => {
      expect(tab.socket.id).not.toBe(firstConnection);
      expect(tab.client.getSnapshot().outbox).toEqual([]);
      expect(texts(tab)).toEqual(["in flight when the link failed"]);
    }, WAIT_MS);
    expect((await stored()).map((m) => m.text)).toEqual(["in flight when the link failed"]);
    expect(sends).toHaveLength(2);
  });

  it("a send answered not_joined makes it join again and send the message once", async () => {
    const tab = openTab();
    await joined(tab);
    const connectedAs = tab.socket.id;
    // The server forgets this connection's subscription, as a server-side leave would.
    for (const socket of await server.io.fetchSockets()) socket.leave(ROOM);

    tab.client.send("sent after the server forgot the join");
    await eventually(() => {
      expect(tab.client.getSnapshot().outbox).toEqual([]);
      expect(texts(tab)).toEqual(["sent after the server forgot the join"]);
    }, WAIT_MS);
    expect((await stored()).map((m) => m.text)).toEqual(["sent after the server forgot the join"]);
    expect(tab.socket.id).toBe(connectedAs);
    // Joined again: live messages reach it.
    await say(await otherPerson(), ["and it hears the room again"]);
    await eventually(
      () =>
        expect(texts(tab)).toEqual([
          "sent after the server forgot the join",
          "and it hears the room again",
        ]),
      WAIT_MS,
    );
  });

  it("an acknowledgement lost with the link: the message is stored once and shown once", async () => {
    const sends = recordSends();
    interceptNextSendAck(() => relay.cut());
    const tab = openTab();
    await joined(tab);

    tab.client.send("was the ack lost?");
    await eventually(() => expect(tab.client.getSnapshot().status).toBe("reconnecting"), WAIT_MS);
    expect(tab.client.getSnapshot().outbox).toHaveLength(1);
    relay.restore();

    // The catch-up after the reconnect brings the stored copy, which settles the entry.
    await eventually(() => {
      expect(tab.client.getSnapshot().outbox).toEqual([]);
      expect(texts(tab)).toEqual(["was the ack lost?"]);
    }, WAIT_MS);
    const [message, ...others] = await stored();
    expect(others).toEqual([]);
    expect(sends.every((id) => id === message?.clientId)).toBe(true);
  });

  it("an answer that comes after the timeout: resent with the same clientId, stored once, the late answer ignored", async () => {
    const sends = recordSends();
    // The first message is committed at once but answered (and broadcast) late.
    const append = server.store.messages.append.bind(server.store.messages);
    let delayed = false;
    let lateAnswerDue = false;
    server.store.messages.append = async (input) => {
      const result = await append(input);
      if (!delayed) {
        delayed = true;
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        lateAnswerDue = true;
      }
      return result;
    };
    const tab = openTab({ clientOptions: { requestTimeoutMs: 300, retryDelayMs: 100 } });
    await joined(tab);
    const connectedAs = tab.socket.id;

    tab.client.send("slow answer");
    tab.client.send("next in line");
    await eventually(() => {
      expect(tab.client.getSnapshot().outbox).toEqual([]);
      expect(texts(tab)).toEqual(["slow answer", "next in line"]);
    }, WAIT_MS);
    const [first, second] = await stored();
    expect(sends.slice(0, 2)).toEqual([first?.clientId, first?.clientId]);
    expect(sends.at(-1)).toBe(second?.clientId);

    // The late answer and its broadcast go out; one connection keeps its order, so
    // once a later request is answered, they have arrived. Nothing changes.
    await eventually(() => expect(lateAnswerDue).toBe(true), WAIT_MS);
    await request(tab.socket, "history:after", { room: ROOM, after: 0 });
    expect(texts(tab)).toEqual(["slow answer", "next in line"]);
    expect(tab.client.getSnapshot().outbox).toEqual([]);
    expect((await stored()).map((m) => m.text)).toEqual(["slow answer", "next in line"]);
    expect(tab.socket.id).toBe(connectedAs);
  });

  it("a message the server refuses is marked failed with its reason and never resent by itself", async () => {
    const sends = recordSends();
    const tab = openTab();
    await joined(tab);

    tab.client.send("x".repeat(4001));
    tab.client.send("a normal one");
    await eventually(() => {
      const [failed, ...rest] = tab.client.getSnapshot().outbox;
      expect(rest).toEqual([]);
      expect(failed).toMatchObject({ state: "failed", error: { code: "message_too_long" } });
      expect(texts(tab)).toEqual(["a normal one"]);
    }, WAIT_MS);
    const failedId = tab.client.getSnapshot().outbox[0]?.clientId;

    // A new connection flushes the outbox again; a failed entry is not part of it.
    relay.cut();
    await eventually(() => expect(tab.client.getSnapshot().joined).toBe(false), WAIT_MS);
    relay.restore();
    await joined(tab);
    tab.client.send("after the reconnect");
    await eventually(
      () => expect(texts(tab)).toEqual(["a normal one", "after the reconnect"]),
      WAIT_MS,
    );
    expect(sends.filter((id) => id === failedId)).toHaveLength(1);

    // Retry sends it once more (and it fails again); Discard forgets it.
    tab.client.retry(failedId as string);
    await eventually(() => {
      expect(sends.filter((id) => id === failedId)).toHaveLength(2);
      expect(tab.client.getSnapshot().outbox[0]?.state).toBe("failed");
    }, WAIT_MS);
    tab.client.discard(failedId as string);
    expect(tab.client.getSnapshot().outbox).toEqual([]);
    expect(tab.storage.load(ROOM)).toEqual([]);
  });

  it("delivers what a previous page left in the outbox, once, even if it was stored before the reload", async () => {
    const { session, socket } = await server.connect();
    await request(socket, "room:join", { room: ROOM });
    // The previous page sent this one and was closed before the ack arrived.
    await request(socket, "message:send", { room: ROOM, text: "sent", clientId: "left-1" });
    const storage = memoryOutboxStorage();
    const entry = (clientId: string, text: string, second: number): OutboxEntry => ({
      clientId,
      room: ROOM,
      text,
      createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, second)).toISOString(),
      state: "pending",
    });
    storage.put(entry("left-1", "sent", 1));
    storage.put(entry("left-2", "never sent", 2));

    const tab = openTab({ storage, token: session.token });
    await eventually(() => {
      expect(tab.client.getSnapshot().outbox).toEqual([]);
      expect(texts(tab)).toEqual(["sent", "never sent"]);
    }, WAIT_MS);
    expect((await stored()).map((m) => m.clientId)).toEqual(["left-1", "left-2"]);
  });

  it("two tabs of one person sharing an outbox store each entry once, in order", async () => {
    const { session } = await server.connect();
    const storage = memoryOutboxStorage();
    const written = numbered("shared", 8);
    written.forEach((text, i) => {
      storage.put({
        clientId: `shared-${i}`,
        room: ROOM,
        text,
        createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
        state: "pending",
      });
    });
    const sends = recordSends();
    holdJoinsUntil(2);
    const tabs = [
      openTab({ storage, token: session.token }),
      openTab({ storage, token: session.token }),
    ];

    for (const tab of tabs) {
      await eventually(() => expect(texts(tab)).toEqual(written), WAIT_MS);
    }
    expect(storage.load(ROOM)).toEqual([]);
    const messages = await stored();
    expect(messages.map((m) => m.text)).toEqual(written);
    expect(messages.map((m) => m.seq)).toEqual(range(1, written.length));
    // Both tabs sent the first entry: the server's idempotency, not luck, kept one copy.
    expect(sends.filter((id) => id === "shared-0")).toHaveLength(2);
  });
});

describe("RoomClient and the browser's network", () => {
  it("says at once that the browser is offline, keeps what is written, and sends it when it is back", async () => {
    const network = switchableNetwork();
    const tab = openTab({ clientOptions: { ...FAST, network } });
    await joined(tab);

    network.set(false);
    // At once: not after a heartbeat gives up on the link, most of a minute later.
    expect(tab.client.getSnapshot().status).toBe("offline");
    tab.client.send("written offline");
    expect(tab.client.getSnapshot().outbox.map((e) => [e.text, e.state])).toEqual([
      ["written offline", "pending"],
    ]);

    network.set(true);
    await eventually(() => {
      expect(tab.client.getSnapshot().status).toBe("connected");
      expect(texts(tab)).toEqual(["written offline"]);
    }, WAIT_MS);
    expect((await stored()).map((m) => m.text)).toEqual(["written offline"]);
  });

  it("back online, it reconnects at once instead of waiting out the reconnection backoff", async () => {
    const network = switchableNetwork();
    // The first retry after a drop comes 15 to 30 s later: far beyond the wait below.
    const backoff = { reconnectionDelay: 30_000, reconnectionDelayMax: 30_000 };
    const tab = openTab({ clientOptions: { ...FAST, network }, backoff });
    await joined(tab);
    const first = tab.socket.id;

    // The network goes: the link drops (as engine.io drops it on `offline`) and the browser says so.
    relay.cut();
    await eventually(() => expect(tab.socket.connected).toBe(false), WAIT_MS);
    network.set(false);
    expect(tab.client.getSnapshot().status).toBe("offline");

    relay.restore();
    network.set(true);
    expect(tab.client.getSnapshot().status).toBe("reconnecting");
    await eventually(() => {
      expect(tab.client.getSnapshot().status).toBe("connected");
      expect(tab.client.getSnapshot().joined).toBe(true);
    }, 5_000);
    expect(tab.socket.id).not.toBe(first);
  });
});
