import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ChatTestServer,
  collectMessages,
  range,
  rawRequest,
  request,
  seedMessages,
  seqs,
  settle,
} from "../testing/chat-test-server";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

describe("room:join", () => {
  it("answers a name nothing was made under as an empty public room: no messages, latestSeq and latestRev 0, no membership", async () => {
    const { socket } = await server.connect();
    expect(await request(socket, "room:join", { room: "empty" })).toEqual({
      ok: true,
      room: "empty",
      messages: [],
      hasMore: false,
      latestSeq: 0,
      latestRev: 0,
      info: {
        name: "empty",
        visibility: "public",
        topic: "",
        ownerId: null,
        createdAt: expect.any(String),
      },
      membership: null,
    });
    // Visiting wrote nothing: the name is still free.
    expect(await server.store.rooms.info("empty")).toBeNull();
  });

  it("makes a visitor of an existing public room its member, told to the room as a change with the room's next rev", async () => {
    const { socket: owner } = await server.connect({ auth: { name: "Olga" } });
    await request(owner, "room:join", { room: "square" });
    await request(owner, "message:send", { room: "square", text: "hi", clientId: "c1" });
    const changes: unknown[] = [];
    owner.on("member:changed", (change) => changes.push(change));
    const { socket: visitor, session } = await server.connect({ auth: { name: "Vic" } });

    const joined = await request(visitor, "room:join", { room: "square" });

    // Rev 1 made the room (its owner), rev 2 the message, rev 3 the visitor's membership.
    expect(joined).toMatchObject({
      ok: true,
      latestSeq: 1,
      latestRev: 3,
      membership: { role: "member", mutedUntil: null },
      info: { name: "square", visibility: "public", ownerId: expect.any(String) },
    });
    await settle(owner);
    expect(changes).toEqual([
      expect.objectContaining({
        room: "square",
        rev: 3,
        kind: "joined",
        role: "member",
        by: null,
        user: expect.objectContaining({ id: session.user.id }),
      }),
    ]);
    // Joining again is no news and takes no rev.
    expect(await request(visitor, "room:join", { room: "square" })).toMatchObject({
      latestRev: 3,
    });
  });

  it("returns the stored messages whole, as they were acknowledged", async () => {
    const { socket } = await server.connect({ auth: { name: "Ana" } });
    await request(socket, "room:join", { room: "general" });
    const sent = await request(socket, "message:send", {
      room: "general",
      text: "hello",
      clientId: "c1",
    });
    const { socket: other } = await server.connect();

    const joined = await request(other, "room:join", { room: "general" });
    expect(sent.ok && joined.ok).toBe(true);
    if (sent.ok && joined.ok) expect(joined.messages).toEqual([sent.message]);
  });

  describe("without since: the newest page, hasMore meaning older messages exist", () => {
    it.each([
      ["a few messages and no limit", 3, undefined, range(1, 3), false],
      ["more than the default page of 50", 60, undefined, range(11, 60), true],
      ["exactly the limit", 5, 5, range(1, 5), false],
      ["one more than the limit", 6, 5, range(2, 6), true],
      ["a limit above 200, clamped to 200", 250, 1000, range(51, 250), true],
      ["a limit of 0, clamped to 1", 5, 0, [5], true],
      ["a negative limit, clamped to 1", 5, -3, [5], true],
    ])("%s", async (_case, count, limit, expected, hasMore) => {
      await seedMessages(server.store, "busy", count);
      const { socket } = await server.connect();

      const joined = await request(socket, "room:join", { room: "busy", limit });

      expect(joined).toMatchObject({ ok: true, room: "busy", hasMore, latestSeq: count });
      if (joined.ok) expect(seqs(joined.messages)).toEqual(expected);
    });
  });

  describe("with since: the first page after it, hasMore meaning newer messages exist", () => {
    it.each([
      ["since 0 with a small limit", 10, 0, 3, [1, 2, 3], true],
      ["since 0 with the default limit of 50", 60, 0, undefined, range(1, 50), true],
      ["since in the middle, the rest fitting", 10, 7, undefined, [8, 9, 10], false],
      ["since in the middle, exactly the limit left", 10, 5, 5, range(6, 10), false],
      ["since at the latest message", 10, 10, undefined, [], false],
      ["since beyond the latest message", 10, 99, undefined, [], false],
      ["since in an empty room", 0, 0, undefined, [], false],
    ])("%s", async (_case, count, since, limit, expected, hasMore) => {
      await seedMessages(server.store, "busy", count);
      const { socket } = await server.connect();

      const joined = await request(socket, "room:join", { room: "busy", since, limit });

      expect(joined).toMatchObject({ ok: true, room: "busy", hasMore, latestSeq: count });
      if (joined.ok) expect(seqs(joined.messages)).toEqual(expected);
    });
  });

  it("subscribes the socket to the room's live messages", async () => {
    const { socket: reader } = await server.connect();
    const { socket: writer } = await server.connect();
    const received = collectMessages(reader);
    await request(reader, "room:join", { room: "live" });
    await request(writer, "room:join", { room: "live" });

    await request(writer, "message:send", { room: "live", text: "now", clientId: "c1" });
    await settle(reader);

    expect(received.map((m) => m.text)).toEqual(["now"]);
  });

  it("delivers each live message once to a socket that joined twice", async () => {
    const { socket } = await server.connect();
    const received = collectMessages(socket);
    await request(socket, "room:join", { room: "twice" });
    await request(socket, "room:join", { room: "twice" });

    await request(socket, "message:send", { room: "twice", text: "once", clientId: "c1" });
    await settle(socket);

    expect(received.map((m) => m.text)).toEqual(["once"]);
  });

  it.each([
    ["a payload that is not an object", "general", "invalid_payload"],
    ["null", null, "invalid_payload"],
    ["an array", ["general"], "invalid_payload"],
    ["no room", {}, "invalid_payload"],
    ["a numeric room", { room: 42 }, "invalid_payload"],
    ["a negative since", { room: "general", since: -1 }, "invalid_payload"],
    ["a fractional since", { room: "general", since: 1.5 }, "invalid_payload"],
    ["a since given as a string", { room: "general", since: "3" }, "invalid_payload"],
    ["a limit given as a string", { room: "general", limit: "10" }, "invalid_payload"],
    ["a fractional limit", { room: "general", limit: 2.5 }, "invalid_payload"],
    ["a null limit", { room: "general", limit: null }, "invalid_payload"],
    ["a bad since and a bad room: the shape first", { room: "Nope", since: -1 }, "invalid_payload"],
    ["an uppercase room", { room: "General" }, "invalid_room"],
    ["an empty room name", { room: "" }, "invalid_room"],
    ["a room with a slash", { room: "a/b" }, "invalid_room"],
    ["a room of 65 characters", { room: "r".repeat(65) }, "invalid_room"],
  ])("rejects %s as %s, joins nothing, and keeps serving", async (_case, payload, code) => {
    const { socket } = await server.connect();

    const reply = await rawRequest(socket, "room:join", payload);

    expect(reply).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
    // A failed join must not subscribe: sending to the room is still refused.
    expect(
      await request(socket, "message:send", { room: "general", text: "hi", clientId: "c1" }),
    ).toMatchObject({ ok: false, error: { code: "not_joined" } });
    expect(await request(socket, "room:join", { room: "general" })).toMatchObject({ ok: true });
  });
});

describe("room:leave", () => {
  it("stops the room's live messages and sending to it, while others keep both", async () => {
    const { socket: leaver } = await server.connect();
    const { socket: stayer } = await server.connect();
    const seenByLeaver = collectMessages(leaver);
    const seenByStayer = collectMessages(stayer);
    await request(leaver, "room:join", { room: "general" });
    await request(stayer, "room:join", { room: "general" });
    await request(stayer, "message:send", { room: "general", text: "before", clientId: "c1" });

    expect(await request(leaver, "room:leave", { room: "general" })).toEqual({ ok: true });
    await request(stayer, "message:send", { room: "general", text: "after", clientId: "c2" });
    await settle(leaver);
    await settle(stayer);

    expect(seenByLeaver.map((m) => m.text)).toEqual(["before"]);
    expect(seenByStayer.map((m) => m.text)).toEqual(["before", "after"]);
    expect(
      await request(leaver, "message:send", { room: "general", text: "gone", clientId: "c3" }),
    ).toMatchObject({ ok: false, error: { code: "not_joined" } });
  });

  it("leaves only the room it names", async () => {
    const { socket } = await server.connect();
    const received = collectMessages(socket);
    await request(socket, "room:join", { room: "kept" });
    await request(socket, "room:join", { room: "left" });

    await request(socket, "room:leave", { room: "left" });
    await request(socket, "message:send", { room: "kept", text: "still here", clientId: "c1" });
    await settle(socket);

    expect(received.map((m) => m.text)).toEqual(["still here"]);
  });

  it("accepts leaving a room that was never joined", async () => {
    const { socket } = await server.connect();
    expect(await request(socket, "room:leave", { room: "elsewhere" })).toEqual({ ok: true });
  });

  it.each([
    ["no room", {}, "invalid_payload"],
    ["null", null, "invalid_payload"],
    ["an uppercase room", { room: "General" }, "invalid_room"],
  ])("rejects %s as %s and stays in the room", async (_case, payload, code) => {
    const { socket } = await server.connect();
    const received = collectMessages(socket);
    await request(socket, "room:join", { room: "general" });

    expect(await rawRequest(socket, "room:leave", payload)).toMatchObject({
      ok: false,
      error: { code },
    });
    await request(socket, "message:send", { room: "general", text: "still in", clientId: "c1" });
    await settle(socket);
    expect(received.map((m) => m.text)).toEqual(["still in"]);
  });
});
