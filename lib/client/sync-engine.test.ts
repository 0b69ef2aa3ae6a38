import { io } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatTestServer, eventually, request } from "../server/testing/chat-test-server";
import { LinkRelay } from "../server/testing/link-relay";
import { MAX_REPLAYED_CHANGES } from "../shared/limits";
import type { ChatMessage, User } from "../shared/protocol";
import { memoryOutboxStorage, type OutboxStorage, webOutboxStorage } from "./outbox";
import { type ChatClientSocket, RoomClient, type RoomClientOptions } from "./room-client";
import { MemoryStorage, noEvents } from "./testing/memory-storage";
import { unreadCount } from "./unread";

const ROOM = "general";
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

type Tab = { client: RoomClient; socket: ChatClientSocket; user: () => User };

/** A browser tab's RoomClient through the relay; the identity travels as a bot token. */
function openTab(options: { storage?: OutboxStorage; token?: string; name?: string } = {}): Tab {
  let token = options.token;
  let user: User | null = null;
  const socket: ChatClientSocket = io(relay.url, {
    transports: ["websocket"],
    forceNew: true,
    autoConnect: false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 250,
    auth: (send) => send(token ? { token } : { name: options.name ?? "Tab" }),
  });
  socket.on("session", (session) => {
    token = session.token;
    user = session.user;
  });
  const client = new RoomClient(socket, ROOM, options.storage ?? memoryOutboxStorage(), FAST);
  client.start();
  socket.connect();
  sockets.push(socket);
  clients.push(client);
  return {
    client,
    socket,
    user: () => {
      if (!user) throw new Error("no session yet");
      return user;
    },
  };
}

async function joined(tab: Tab): Promise<void> {
  await eventually(() => expect(tab.client.getSnapshot().joined).toBe(true), WAIT_MS);
}

/** The room as a fresh client would load it: every message, current. */
async function current(): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  let after = 0;
  for (;;) {
    const page = await server.store.messages.changesAfter(ROOM, after, 1_000);
    all.push(...page.messages);
    if (!page.hasMore) break;
    after = page.messages.at(-1)?.rev ?? after;
  }
  return all.sort((a, b) => a.seq - b.seq);
}

const view = (messages: readonly ChatMessage[]) =>
  messages.map((m) => ({
    seq: m.seq,
    text: m.text,
    deleted: m.deleted,
    editedAt: m.editedAt,
    reactions: m.reactions.map((r) => `${r.emoji}${r.count}`),
  }));

/** Sends a message as this tab and waits until it is stored. */
async function sayAndWait(tab: Tab, text: string): Promise<ChatMessage> {
  tab.client.say(text);
  let found: ChatMessage | undefined;
  await eventually(() => {
    found = tab.client.getSnapshot().timeline.messages.find((m) => m.text === text);
    expect(found).toBeDefined();
  }, WAIT_MS);
  return found as ChatMessage;
}

describe("changes, live", () => {
  it("an edit, a reaction and a delete by one tab are seen by another, and `me` is right for each", async () => {
    const ana = openTab({ name: "Ana" });
    const bea = openTab({ name: "Bea" });
    await Promise.all([joined(ana), joined(bea)]);
    const message = await sayAndWait(ana, "helo");
    ana.client.edit(message.id, "hello");
    ana.client.toggleReaction(message.id, "👍");
    bea.client.toggleReaction(message.id, "👍");
    await eventually(() => {
      for (const tab of [ana, bea]) {
        const [shown] = tab.client.getSnapshot().shown;
        expect(shown).toMatchObject({ text: "hello", pending: false });
        expect(shown?.editedAt).not.toBeNull();
        expect(shown?.reactions).toEqual([{ emoji: "👍", count: 2, me: true }]);
      }
    }, WAIT_MS);
    bea.client.toggleReaction(message.id, "👍");
    await eventually(() => {
      expect(ana.client.getSnapshot().shown[0]?.reactions).toEqual([
        { emoji: "👍", count: 1, me: true },
      ]);
      expect(bea.client.getSnapshot().shown[0]?.reactions).toEqual([
        { emoji: "👍", count: 1, me: false },
      ]);
    }, WAIT_MS);
    ana.client.remove(message.id);
    await eventually(() => {
      for (const tab of [ana, bea])
        expect(tab.client.getSnapshot().shown[0]).toMatchObject({
          deleted: true,
          text: "",
          reactions: [],
        });
    }, WAIT_MS);
  });

  it("a change refused by the server leaves the outbox and says why; nothing is stored", async () => {
    const ana = openTab({ name: "Ana" });
    const bea = openTab({ name: "Bea" });
    await Promise.all([joined(ana), joined(bea)]);
    const message = await sayAndWait(ana, "mine");
    const before = await current();
    bea.client.edit(message.id, "not yours");
    await eventually(() => {
      expect(bea.client.getSnapshot().refused?.error.code).toBe("forbidden");
    }, WAIT_MS);
    expect(bea.client.getSnapshot().shown[0]).toMatchObject({ text: "mine", pending: false });
    expect(await current()).toEqual(before);
  });

  it("a reply names the message it answers", async () => {
    const ana = openTab({ name: "Ana" });
    await joined(ana);
    const question = await sayAndWait(ana, "question?");
    ana.client.say("answer", { replyTo: { id: question.id, seq: question.seq } });
    await eventually(() => {
      expect(ana.client.getSnapshot().shown.at(-1)).toMatchObject({
        text: "answer",
        replyTo: { id: question.id, seq: question.seq },
      });
    }, WAIT_MS);
  });
});

describe("unread", () => {
  it("edits, reactions and deletes never make a room unread; a new message does", async () => {
    const ana = openTab({ name: "Ana" });
    const bea = openTab({ name: "Bea" });
    await Promise.all([joined(ana), joined(bea)]);
    const message = await sayAndWait(ana, "read already");
    await eventually(() => expect(bea.client.getSnapshot().shown).toHaveLength(1), WAIT_MS);
    const readSeq = message.seq;
    const unread = () => {
      const { timeline, user } = bea.client.getSnapshot();
      return unreadCount(timeline.messages, readSeq, user?.id);
    };
    ana.client.edit(message.id, "read already, edited");
    ana.client.react(message.id, "👍");
    await eventually(() => {
      expect(bea.client.getSnapshot().shown[0]).toMatchObject({
        text: "read already, edited",
        reactions: [{ emoji: "👍", count: 1, me: false }],
      });
    }, WAIT_MS);
    expect(unread()).toBe(0);
    await sayAndWait(ana, "new");
    await eventually(() => expect(unread()).toBe(1), WAIT_MS);
  });
});

describe("catch-up over rev", () => {
  it("changes made while the link was down are all shown after it returns, without a reload", async () => {
    const ana = openTab({ name: "Ana" });
    const bea = openTab({ name: "Bea" });
    await Promise.all([joined(ana), joined(bea)]);
    const first = await sayAndWait(ana, "first");
    const second = await sayAndWait(ana, "second");
    await eventually(() => expect(bea.client.getSnapshot().shown).toHaveLength(2), WAIT_MS);
    // Ana is connected straight to the server; the relay carries only Bea.
    relay.cut();
    await eventually(() => expect(bea.client.getSnapshot().joined).toBe(false), WAIT_MS);
    const direct = await server.connect({ auth: { token: (await tokenOf(ana)) ?? "" } });
    await request(direct.socket, "room:join", { room: ROOM });
    for (const [event, payload] of [
      ["message:edit", { room: ROOM, id: first.id, text: "first, edited" }],
      ["message:delete", { room: ROOM, id: second.id }],
      ["reaction:add", { room: ROOM, id: first.id, emoji: "🎉" }],
    ] as const)
      expect(await request(direct.socket, event, payload as never)).toMatchObject({ ok: true });
    relay.restore();
    await eventually(async () => {
      expect(view(bea.client.getSnapshot().timeline.messages)).toEqual(view(await current()));
      // Up to the room's latest rev, memberships (the two joins) included.
      expect(bea.client.contiguousRev).toBe(
        (await server.store.messages.changesAfter(ROOM, 0, 1)).latestRev,
      );
    }, WAIT_MS);
    expect(bea.client.getSnapshot().shown[1]).toMatchObject({ deleted: true, text: "" });
  });

  it("an event whose rev skips changes makes it fetch the ones in between", async () => {
    const ana = openTab({ name: "Ana" });
    await joined(ana);
    const message = await sayAndWait(ana, "original");
    const other = await sayAndWait(ana, "other");
    // Changed in the store behind the server's back: no broadcast, a gap in rev.
    await server.store.messages.change({
      room: ROOM,
      id: message.id,
      actor: ana.user(),
      change: { kind: "edit", text: "changed quietly" },
    });
    ana.client.react(other.id, "👍");
    await eventually(async () => {
      expect(view(ana.client.getSnapshot().timeline.messages)).toEqual(view(await current()));
    }, WAIT_MS);
    expect(ana.client.getSnapshot().shown[0]?.text).toBe("changed quietly");
  });

  it(`more than ${MAX_REPLAYED_CHANGES} changes behind, it drops what it held and loads the newest page`, async () => {
    const ana = openTab({ name: "Ana" });
    await joined(ana);
    const message = await sayAndWait(ana, "reacted to, a lot");
    const changesAfter: number[] = [];
    server.io.on("connection", (socket) => {
      socket.use(([event], next) => {
        if (event === "changes:after") changesAfter.push(1);
        next();
      });
    });
    relay.cut();
    await eventually(() => expect(ana.client.getSnapshot().joined).toBe(false), WAIT_MS);
    for (let i = 0; i <= MAX_REPLAYED_CHANGES; i++)
      await server.store.messages.change({
        room: ROOM,
        id: message.id,
        actor: ana.user(),
        change: { kind: "reaction", emoji: "👍", added: i % 2 === 0 },
      });
    relay.restore();
    await eventually(async () => {
      expect(ana.client.getSnapshot().joined).toBe(true);
      expect(view(ana.client.getSnapshot().timeline.messages)).toEqual(view(await current()));
    }, WAIT_MS);
    expect(changesAfter).toEqual([]);
    // Ana's own reaction, as the page (an answer to her own request) says.
    expect(ana.client.getSnapshot().shown[0]?.reactions).toEqual([
      { emoji: "👍", count: 1, me: true },
    ]);
  }, 60_000);
});

describe("the outbox of operations", () => {
  it("an edit made offline survives a reload and lands once", async () => {
    const local = new MemoryStorage();
    const storage = () => webOutboxStorage(local, noEvents);
    const ana = openTab({ name: "Ana", storage: storage() });
    await joined(ana);
    const message = await sayAndWait(ana, "tpyo");
    const token = await tokenOf(ana);
    relay.cut();
    await eventually(() => expect(ana.client.getSnapshot().joined).toBe(false), WAIT_MS);
    ana.client.edit(message.id, "typo");
    expect(ana.client.getSnapshot().shown[0]).toMatchObject({ text: "typo", pending: true });
    // The tab is closed; a new one opens on the same storage once the link is back.
    ana.client.stop();
    ana.socket.disconnect();
    relay.restore();
    const edits: string[] = [];
    server.io.on("connection", (socket) => {
      socket.use(([event], next) => {
        if (event === "message:edit") edits.push(event);
        next();
      });
    });
    const reloaded = openTab({ storage: storage(), ...(token ? { token } : {}) });
    await eventually(async () => {
      expect((await current())[0]?.text).toBe("typo");
      expect(reloaded.client.getSnapshot().shown[0]).toMatchObject({
        text: "typo",
        pending: false,
      });
    }, WAIT_MS);
    expect(edits).toHaveLength(1);
    expect(local.items.size).toBe(0);
  });

  it("a delete queued offline takes the message's pending edits out of storage at once", async () => {
    const local = new MemoryStorage();
    const ana = openTab({ name: "Ana", storage: webOutboxStorage(local, noEvents) });
    await joined(ana);
    const message = await sayAndWait(ana, "about to go");
    relay.cut();
    await eventually(() => expect(ana.client.getSnapshot().joined).toBe(false), WAIT_MS);
    ana.client.edit(message.id, "a secret I regret");
    expect(JSON.stringify([...local.items.values()])).toContain("a secret I regret");
    ana.client.remove(message.id);
    expect(JSON.stringify([...local.items.values()])).not.toContain("a secret I regret");
    expect(ana.client.getSnapshot().shown[0]).toMatchObject({ deleted: true, text: "" });
    relay.restore();
    await eventually(async () => expect((await current())[0]?.deleted).toBe(true), WAIT_MS);
    await eventually(() => expect(local.items.size).toBe(0), WAIT_MS);
  });
});

describe("jumps", () => {
  it("jumps to a message far back, then scrolling down loads the newer ones until live again", async () => {
    const ana = openTab({ name: "Ana" });
    await joined(ana);
    const direct = await server.connect({ auth: { name: "Bot" } });
    await request(direct.socket, "room:join", { room: ROOM });
    for (let i = 1; i <= 200; i++)
      await request(direct.socket, "message:send", {
        room: ROOM,
        text: `m ${i}`,
        clientId: `m-${i}`,
      });
    await eventually(
      () => expect(ana.client.getSnapshot().timeline.messages).toHaveLength(200),
      WAIT_MS,
    );
    // A fresh tab holds only the newest page.
    const bea = openTab({ name: "Bea" });
    await joined(bea);
    expect(await bea.client.jumpTo(3)).toBe(true);
    expect(bea.client.getSnapshot().hasNewer).toBe(true);
    expect(bea.client.getSnapshot().shown.some((m) => m.seq === 3)).toBe(true);
    while (bea.client.getSnapshot().hasNewer) await bea.client.loadNewer();
    await request(direct.socket, "message:send", {
      room: ROOM,
      text: "live again",
      clientId: "live",
    });
    await eventually(() => {
      const seqs = bea.client.getSnapshot().timeline.messages.map((m) => m.seq);
      expect(seqs.at(-1)).toBe(201);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] ?? 0) + i));
    }, WAIT_MS);
    expect(await bea.client.jumpTo(999)).toBe(false);
  }, 60_000);
});

/** The tab's bot token, read from its session, to reopen it as the same person. */
async function tokenOf(tab: Tab): Promise<string | undefined> {
  return new Promise((resolve) => {
    const { auth } = tab.socket as unknown as {
      auth: (send: (a: { token?: string }) => void) => void;
    };
    auth((a) => resolve(a.token));
  });
}

describe("one socket per page", () => {
  it("serves every open room: each joins, a closed one is left, all rejoin and catch up after a drop", async () => {
    const socket: ChatClientSocket = io(relay.url, {
      transports: ["websocket"],
      forceNew: true,
      autoConnect: false,
      reconnectionDelay: 50,
      reconnectionDelayMax: 250,
      auth: { name: "Page" },
    });
    sockets.push(socket);
    const general = new RoomClient(socket, ROOM, memoryOutboxStorage(), FAST);
    const lab = new RoomClient(socket, "lab", memoryOutboxStorage(), FAST);
    clients.push(general, lab);
    general.start();
    lab.start();
    socket.connect();
    await eventually(() => {
      expect(general.getSnapshot().joined).toBe(true);
      expect(lab.getSnapshot().joined).toBe(true);
      expect(general.getSnapshot().user?.name).toBe("Page");
    }, WAIT_MS);
    // A room opened later on the connected socket still learns who it is.
    const late = new RoomClient(socket, "late", memoryOutboxStorage(), FAST);
    clients.push(late);
    late.start();
    await eventually(
      () => expect(late.getSnapshot()).toMatchObject({ joined: true, user: { name: "Page" } }),
      WAIT_MS,
    );
    late.stop();
    await eventually(
      async () => expect(await server.io.in("late").fetchSockets()).toHaveLength(0),
      WAIT_MS,
    );
    expect(await server.io.in(ROOM).fetchSockets()).toHaveLength(1);

    general.say("in general");
    lab.say("in the lab");
    await eventually(() => {
      expect(general.getSnapshot().shown.map((m) => m.text)).toEqual(["in general"]);
      expect(lab.getSnapshot().shown.map((m) => m.text)).toEqual(["in the lab"]);
    }, WAIT_MS);

    relay.cut();
    await eventually(() => expect(general.getSnapshot().joined).toBe(false), WAIT_MS);
    const other = await server.connect({ auth: { name: "Other" } });
    for (const room of [ROOM, "lab"]) {
      await request(other.socket, "room:join", { room });
      await request(other.socket, "message:send", {
        room,
        text: `missed in ${room}`,
        clientId: `m-${room}`,
      });
    }
    relay.restore();
    await eventually(() => {
      expect(general.getSnapshot().shown.map((m) => m.text)).toEqual([
        "in general",
        "missed in general",
      ]);
      expect(lab.getSnapshot().shown.map((m) => m.text)).toEqual(["in the lab", "missed in lab"]);
    }, WAIT_MS);
  });
});
