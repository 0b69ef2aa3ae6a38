import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatTestServer, collectMessages, eventually, request } from "../testing/chat-test-server";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

describe("a restart of the server on the same database", () => {
  it("keeps every room's history as it was acknowledged, and each sequence continues", async () => {
    const ana = await server.connect({ auth: { name: "Ana" } });
    const acked = [];
    for (const [room, text] of [
      ["durable", "one"],
      ["durable", "two"],
      ["other", "elsewhere"],
    ] as const) {
      await request(ana.socket, "room:join", { room });
      const ack = await request(ana.socket, "message:send", { room, text, clientId: text });
      if (ack.ok) acked.push(ack.message);
    }

    await server.restart();

    const { socket } = await server.connect();
    const seen = collectMessages(socket);
    const durable = await request(socket, "room:join", { room: "durable" });
    const other = await request(socket, "room:join", { room: "other" });
    // Rev 1 made the room (Ana its owner), 2 and 3 the messages, 4 this reader's membership.
    expect(durable).toEqual({
      ok: true,
      room: "durable",
      messages: acked.slice(0, 2),
      hasMore: false,
      latestSeq: 2,
      latestRev: 4,
      info: {
        name: "durable",
        visibility: "public",
        topic: "",
        ownerId: ana.session.user.id,
        createdAt: expect.any(String),
      },
      membership: { role: "member", mutedUntil: null },
    });
    expect(other).toMatchObject({ ok: true, messages: acked.slice(2), latestSeq: 1 });

    const next = await request(socket, "message:send", {
      room: "durable",
      text: "three",
      clientId: "c3",
    });
    expect(next).toMatchObject({ ok: true, duplicate: false, message: { seq: 3, rev: 5 } });
    await eventually(() => expect(seen.map((m) => m.seq)).toEqual([3]));
  });

  it("recognises a message resent after the restart as a duplicate", async () => {
    const bot = await server.connect();
    await request(bot.socket, "room:join", { room: "general" });
    const payload = { room: "general", text: "did this arrive?", clientId: "unsure" };
    const first = await request(bot.socket, "message:send", payload);

    await server.restart();

    const again = await server.connect({ auth: { token: bot.session.token } });
    await request(again.socket, "room:join", { room: "general" });
    const resent = await request(again.socket, "message:send", payload);
    expect(resent).toMatchObject({ ok: true, duplicate: true });
    if (first.ok && resent.ok) expect(resent.message).toEqual(first.message);
  });

  it("keeps identities: a token or cookie issued before still names the same person", async () => {
    const bot = await server.connect({ auth: { name: "Bot" } });
    await request(bot.socket, "user:rename", { name: "Renamed bot" });
    const cookie = await server.issueIdentityCookie();
    const browser = await server.connect({ extraHeaders: { cookie } });

    await server.restart();

    const botAgain = await server.connect({ auth: { token: bot.session.token } });
    const browserAgain = await server.connect({ extraHeaders: { cookie } });
    expect(botAgain.session.user).toEqual({ id: bot.session.user.id, name: "Renamed bot" });
    expect(browserAgain.session.user).toEqual(browser.session.user);
  });

  it("lists the rooms with recent activity as before", async () => {
    const { socket } = await server.connect();
    for (const room of ["first", "second"]) {
      await request(socket, "room:join", { room });
      await request(socket, "message:send", { room, text: "hi", clientId: "c1" });
    }
    const before = await server.store.rooms.recent(10);

    await server.restart();

    expect(await server.store.rooms.recent(10)).toEqual(before);
  });
});
