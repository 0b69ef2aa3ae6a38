import { afterEach, describe, expect, it } from "vitest";
import { MAX_PAGE_SIZE } from "../../shared/limits";
import type { ChatMessage, Typing } from "../../shared/protocol";
import { SqliteStore } from "../store/sqlite-store";
import {
  ChatTestServer,
  eventually,
  range,
  request,
  seedMessages,
  seqs,
  settle,
} from "../testing/chat-test-server";
import { readDb } from "../testing/db-snapshot";
import { slowPages } from "../testing/slow-store";
import type { SecurityLimits } from "./security-config";

/**
 * The budgets of what requests change and read, per identity and per
 * address, through the real server. Behind a proxy (TRUST_PROXY), so that
 * each test can speak from several addresses.
 */
let server: ChatTestServer;
afterEach(async () => {
  await server.dispose();
});

async function start(limits: Partial<SecurityLimits>, slowPagesMs = 0): Promise<void> {
  server = await ChatTestServer.start({
    limits: { ...limits, trustProxy: true },
    ...(slowPagesMs > 0
      ? { openStore: (path) => slowPages(new SqliteStore(path), slowPagesMs) }
      : {}),
  });
}

/** A connection from `address`, as a new identity unless a token is given. */
function from(address: string, auth: { name?: string; token?: string } = {}) {
  return server.connect({ extraHeaders: { "x-forwarded-for": address }, auth });
}

const refusedWithRetry = {
  ok: false,
  error: { code: "rate_limited", message: expect.any(String), retryAfterMs: expect.any(Number) },
};

describe("user:rename", () => {
  it("is budgeted per identity: over it, refused with retryAfterMs, and the name stays", async () => {
    await start({ renamesPerMinute: 2 });
    const { socket, session } = await from("198.51.100.1");
    const sessions: string[] = [];
    socket.on("session", (s) => sessions.push(s.user.name));

    expect(await request(socket, "user:rename", { name: "One" })).toMatchObject({ ok: true });
    expect(await request(socket, "user:rename", { name: "Two" })).toMatchObject({ ok: true });
    expect(await request(socket, "user:rename", { name: "Three" })).toEqual(refusedWithRetry);

    await settle(socket);
    expect(sessions).toEqual(["One", "Two"]);
    expect(await server.store.users.find(session.user.id)).toEqual({
      id: session.user.id,
      name: "Two",
    });
  });

  it("is budgeted per address, over all its identities, and not for other addresses", async () => {
    await start({ renamesPerIpPerMinute: 3 });
    const ana = await from("198.51.100.1");
    const bea = await from("198.51.100.1");
    const cyd = await from("203.0.113.9");

    const answers = [];
    for (const [i, who] of [ana, bea, ana, bea].entries())
      answers.push(await request(who.socket, "user:rename", { name: `Name ${i}` }));
    expect(answers.map((a) => a.ok)).toEqual([true, true, true, false]);
    expect(answers[3]).toEqual(refusedWithRetry);
    expect(await request(cyd.socket, "user:rename", { name: "Cyd" })).toMatchObject({ ok: true });
  });
});

describe("deliveries", () => {
  it("charge each message what it costs, one per connection in its room, to its address", async () => {
    await start({ deliveriesPerIpPerSecond: 25, deliveryBurstPerIp: 1 });
    const ana = await from("198.51.100.1");
    const aby = await from("198.51.100.1");
    const bea = await from("203.0.113.9");
    await request(ana.socket, "room:join", { room: "hall" });
    for (let i = 0; i < 9; i++) {
      const listener = await from("192.0.2.1");
      await request(listener.socket, "room:join", { room: "hall" });
    }
    for (const who of [aby, bea]) await request(who.socket, "room:join", { room: "nook" });
    const send = (who: typeof ana, room: string, clientId: string) =>
      request(who.socket, "message:send", { room, text: "hi", clientId });

    // Ten connections in the hall: ten deliveries a message, while any of the budget is left.
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await send(ana, "hall", `h${i}`));
    expect(answers.map((a) => a.ok)).toEqual([true, true, true, false]);
    expect(answers[3]).toEqual(refusedWithRetry);
    // The address has spent it, whichever identity and room it writes in next.
    expect(await send(aby, "nook", "n1")).toEqual(refusedWithRetry);
    expect(await send(bea, "nook", "n2")).toMatchObject({ ok: true });
  });

  it("charge each relayed typing notice what it costs, and drop those beyond", async () => {
    await start({ deliveriesPerIpPerSecond: 3, deliveryBurstPerIp: 1 });
    const ana = await from("198.51.100.1", { name: "Ana" });
    const bea = await from("203.0.113.9", { name: "Bea" });
    for (const who of [ana, bea]) await request(who.socket, "room:join", { room: "lobby" });
    const events: string[] = [];
    bea.socket.on("typing:started", (t) => events.push(`started ${t.user.name}`));
    bea.socket.on("typing:stopped", (t) => events.push(`stopped ${t.user.name}`));

    // Two connections in the room: a start and a stop spend four of three.
    ana.socket.emit("typing:start", { room: "lobby" });
    await eventually(() => expect(events).toEqual(["started Ana"]));
    ana.socket.emit("typing:stop", { room: "lobby" });
    await eventually(() => expect(events).toEqual(["started Ana", "stopped Ana"]));
    ana.socket.emit("typing:start", { room: "lobby" });
    await settle(ana.socket);
    await settle(bea.socket);
    expect(events).toEqual(["started Ana", "stopped Ana"]);
  });
});

describe("rewrites", () => {
  it("charge each change the bytes of the message it rewrote, to its address: long messages cost more", async () => {
    // Two reactions on a long message spend a budget that short ones barely touch.
    const long = "x".repeat(3_000);
    await start({ rewriteBytesPerIpPerSecond: 5_000, rewriteByteBurstPerIp: 1 });
    const ana = await from("198.51.100.1");
    const bea = await from("203.0.113.9");
    for (const who of [ana, bea]) await request(who.socket, "room:join", { room: "hall" });
    const sent = await request(bea.socket, "message:send", {
      room: "hall",
      text: long,
      clientId: "l",
    });
    const short = await request(bea.socket, "message:send", {
      room: "hall",
      text: "hi",
      clientId: "s",
    });
    if (!sent.ok || !short.ok) throw new Error("seeding failed");
    const react = (who: typeof ana, id: string, emoji: string) =>
      request(who.socket, "reaction:add", { room: "hall", id, emoji });

    expect(await react(ana, short.message.id, "👍")).toMatchObject({ ok: true });
    expect(await react(ana, sent.message.id, "👍")).toMatchObject({ ok: true });
    expect(await react(ana, sent.message.id, "🎉")).toMatchObject({ ok: true });
    // 2 × (3,000 + overhead) bytes rewritten: the address has spent its second.
    expect(await react(ana, sent.message.id, "🙂")).toEqual(refusedWithRetry);
    const stored = await server.store.messages.changesAfter("hall", 0, 10);
    const longNow = stored.messages.find((m) => m.id === sent.message.id);
    expect(longNow?.reactions.map((r) => r.emoji)).toEqual(["👍", "🎉"]);
    // Another address is not held back by it.
    expect(await react(bea, sent.message.id, "🙂")).toMatchObject({ ok: true });
  });
});

describe("room:join and room:leave", () => {
  it("spend from the join budget when they change a subscription; joining again spends nothing", async () => {
    await start({ joinsPerMinute: 3 });
    const { socket } = await from("198.51.100.1");
    expect(await request(socket, "room:join", { room: "a" })).toMatchObject({ ok: true });
    expect(await request(socket, "room:join", { room: "b" })).toMatchObject({ ok: true });
    expect(await request(socket, "room:leave", { room: "a" })).toEqual({ ok: true });
    // Leaving a room not joined, and joining one already joined, change nothing.
    expect(await request(socket, "room:leave", { room: "a" })).toEqual({ ok: true });
    expect(await request(socket, "room:join", { room: "b" })).toMatchObject({ ok: true });

    expect(await request(socket, "room:join", { room: "c" })).toEqual(refusedWithRetry);
    // Refused means not subscribed: sending there is not_joined.
    expect(
      await request(socket, "message:send", { room: "c", text: "hi", clientId: "c1" }),
    ).toMatchObject({ ok: false, error: { code: "not_joined" } });
    expect(await request(socket, "room:leave", { room: "b" })).toEqual(refusedWithRetry);
    expect(
      await request(socket, "message:send", { room: "b", text: "still here", clientId: "c2" }),
    ).toMatchObject({ ok: true });
  });

  it("are budgeted per address, over all its identities", async () => {
    await start({ joinsPerIpPerMinute: 2 });
    const ana = await from("198.51.100.1");
    const bea = await from("198.51.100.1");
    const cyd = await from("203.0.113.9");
    expect(await request(ana.socket, "room:join", { room: "a" })).toMatchObject({ ok: true });
    expect(await request(bea.socket, "room:join", { room: "a" })).toMatchObject({ ok: true });
    expect(await request(bea.socket, "room:join", { room: "b" })).toEqual(refusedWithRetry);
    expect(await request(cyd.socket, "room:join", { room: "b" })).toMatchObject({ ok: true });
  });
});

describe("typing notices", () => {
  /** Typing events a connection hears, as "started Ana". */
  function heard(socket: Awaited<ReturnType<typeof from>>["socket"]): string[] {
    const events: string[] = [];
    const record = (verb: string) => (typing: Typing) => events.push(`${verb} ${typing.user.name}`);
    socket.on("typing:started", record("started"));
    socket.on("typing:stopped", record("stopped"));
    return events;
  }

  it("are relayed within the typist's budget and dropped beyond it, without an answer", async () => {
    await start({ typingPerMinute: 2 });
    const ana = await from("198.51.100.1", { name: "Ana" });
    const bea = await from("203.0.113.9", { name: "Bea" });
    for (const who of [ana, bea]) await request(who.socket, "room:join", { room: "lobby" });
    const events = heard(bea.socket);

    ana.socket.emit("typing:start", { room: "lobby" });
    await eventually(() => expect(events).toEqual(["started Ana"]));
    ana.socket.emit("typing:stop", { room: "lobby" });
    await eventually(() => expect(events).toEqual(["started Ana", "stopped Ana"]));
    ana.socket.emit("typing:start", { room: "lobby" });
    ana.socket.emit("typing:stop", { room: "lobby" });
    await settle(ana.socket);
    await settle(bea.socket);
    expect(events).toEqual(["started Ana", "stopped Ana"]);
  });

  it("are budgeted per address, over all its identities", async () => {
    await start({ typingPerIpPerMinute: 1 });
    const ana = await from("198.51.100.1", { name: "Ana" });
    const aby = await from("198.51.100.1", { name: "Aby" });
    const bea = await from("203.0.113.9", { name: "Bea" });
    for (const who of [ana, aby, bea]) await request(who.socket, "room:join", { room: "lobby" });
    const events = heard(ana.socket);
    const beaHears = heard(bea.socket);

    aby.socket.emit("typing:start", { room: "lobby" });
    await eventually(() => expect(beaHears).toEqual(["started Aby"]));
    ana.socket.emit("typing:start", { room: "lobby" });
    await settle(ana.socket);
    await settle(bea.socket);
    expect(beaHears).toEqual(["started Aby"]);
    bea.socket.emit("typing:start", { room: "lobby" });
    await eventually(() => expect(events).toEqual(["started Aby", "started Bea"]));
  });
});

describe("new rooms", () => {
  it("are budgeted per identity; rooms that exist cost nothing, whoever made them", async () => {
    await start({ roomsPerHour: 2 });
    const ana = await from("198.51.100.1");
    const bea = await from("203.0.113.9");
    const send = async (who: typeof ana, room: string, clientId: string) => {
      await request(who.socket, "room:join", { room });
      return request(who.socket, "message:send", { room, text: `in ${room}`, clientId });
    };
    // A room with messages from before this process started is not new either.
    await seedMessages(server.store, "old", 1);

    expect(await send(ana, "first", "c1")).toMatchObject({ ok: true });
    expect(await send(ana, "second", "c2")).toMatchObject({ ok: true });
    expect(await send(ana, "third", "c3")).toEqual(refusedWithRetry);
    expect(await send(ana, "first", "c4")).toMatchObject({ ok: true });
    expect(await send(ana, "old", "c5")).toMatchObject({ ok: true });
    expect(await send(bea, "elsewhere", "c6")).toMatchObject({ ok: true });
    expect(await send(ana, "elsewhere", "c7")).toMatchObject({ ok: true });
    expect(readDb(server.dbPath).rooms.map((r) => r.name)).toEqual([
      "elsewhere",
      "first",
      "old",
      "second",
    ]);
  });

  it("are budgeted per address, over all its identities", async () => {
    await start({ roomsPerIpPerHour: 1 });
    const ana = await from("198.51.100.1");
    const aby = await from("198.51.100.1");
    for (const [who, room] of [
      [ana, "mine"],
      [aby, "yours"],
    ] as const)
      await request(who.socket, "room:join", { room });
    expect(
      await request(ana.socket, "message:send", { room: "mine", text: "hi", clientId: "c1" }),
    ).toMatchObject({ ok: true });
    expect(
      await request(aby.socket, "message:send", { room: "yours", text: "hi", clientId: "c1" }),
    ).toEqual(refusedWithRetry);
  });
});

describe("history", () => {
  /** Messages of about four kilobytes: a page of 50 is about 230 KiB. */
  const long = (i: number) => `${i} ${"x".repeat(4000)}`;
  async function seedLong(room: string, count: number): Promise<void> {
    const author = { id: "seed-author", name: "Seeder" };
    for (let i = 1; i <= count; i++)
      await server.store.messages.append({ room, author, clientId: `s${i}`, text: long(i) });
  }

  it("is budgeted in bytes per address: pages stop being served, then resume after retryAfterMs", async () => {
    await start({ historyBytesPerIpPerSecond: 64 * 1024, historyByteBurstPerIp: 64 * 1024 });
    await seedLong("archive", 120);
    const { socket } = await from("198.51.100.1");
    const other = await from("203.0.113.9");

    const first = await request(socket, "history:after", { room: "archive", after: 0, limit: 50 });
    expect(first).toMatchObject({ ok: true, hasMore: true });
    const refusal = await request(socket, "history:after", { room: "archive", after: 50 });
    expect(refusal).toEqual(refusedWithRetry);
    // Nor does a join read a page for the address meanwhile; it does not subscribe either.
    expect(await request(socket, "room:join", { room: "archive" })).toEqual(refusedWithRetry);
    // Another address reads as before.
    expect(
      await request(other.socket, "history:before", { room: "archive", before: 121, limit: 5 }),
    ).toMatchObject({ ok: true });

    if (refusal.ok || refusal.error.retryAfterMs === undefined) throw new Error("no retryAfterMs");
    expect(refusal.error.retryAfterMs).toBeLessThanOrEqual(1_000);
    await new Promise((resolve) => setTimeout(resolve, refusal.error.retryAfterMs as number));
    expect(
      await request(socket, "history:after", { room: "archive", after: 50, limit: 5 }),
    ).toMatchObject({ ok: true });
  });

  it("counts the cost of every request, even one for an empty page", async () => {
    await start({ historyBytesPerIpPerSecond: 4 * 1024, historyByteBurstPerIp: 4 * 1024 });
    const { socket } = await from("198.51.100.1");
    const answers = [];
    for (let i = 0; i < 12; i++)
      answers.push(await request(socket, "history:after", { room: "empty", after: 0 }));
    expect(answers.filter((a) => a.ok).length).toBeLessThan(12);
    expect(answers.at(-1)).toEqual(refusedWithRetry);
  });

  it("runs a few pages per address at a time, queues some more, and refuses the rest at once", async () => {
    // Each page takes a while to read, so the requests of one burst are all under way together.
    await start({ maxHistoryRequestsPerIp: 1 }, 100);
    await seedMessages(server.store, "archive", 10);
    const { socket } = await from("198.51.100.1");
    const other = await from("203.0.113.9");

    const burst = Array.from({ length: 20 }, () =>
      request(socket, "history:after", { room: "archive", after: 0, limit: 10 }),
    );
    // Meanwhile another address is not queued behind them.
    const startedAt = performance.now();
    expect(
      await request(other.socket, "history:after", { room: "archive", after: 0, limit: 1 }),
    ).toMatchObject({ ok: true });
    expect(performance.now() - startedAt).toBeLessThan(1_000);

    const answers = await Promise.all(burst);
    const served = answers.filter((a) => a.ok);
    const refused = answers.filter((a) => !a.ok);
    // One under way and eight waiting are served, in full; the others are told to come back.
    expect(served.length).toBe(9);
    for (const page of served) expect(page).toMatchObject({ ok: true, hasMore: false });
    for (const refusal of refused) expect(refusal).toEqual(refusedWithRetry);
  });

  it("serves long messages in pages that stop short, with hasMore, and paging reaches them all", async () => {
    await start({});
    await seedLong("archive", 130);
    const { socket } = await from("198.51.100.1");

    const joined = await request(socket, "room:join", { room: "archive", limit: MAX_PAGE_SIZE });
    if (!joined.ok) throw new Error("join failed");
    expect(joined.messages.length).toBeLessThan(MAX_PAGE_SIZE);
    expect(joined.hasMore).toBe(true);
    expect(joined.latestSeq).toBe(130);

    const all: ChatMessage[] = [...joined.messages];
    for (;;) {
      const oldest = all[0]?.seq ?? 1;
      const page = await request(socket, "history:before", {
        room: "archive",
        before: oldest,
        limit: MAX_PAGE_SIZE,
      });
      if (!page.ok) throw new Error("history failed");
      all.unshift(...page.messages);
      if (!page.hasMore) break;
    }
    expect(seqs(all)).toEqual(range(1, 130));
  });
});
