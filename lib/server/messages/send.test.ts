import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_FRAME_BYTES } from "../socket-options";
import {
  ChatTestServer,
  collectMessages,
  eventually,
  rawEmit,
  rawRequest,
  request,
  settle,
} from "../testing/chat-test-server";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

describe("message:send", () => {
  it("acknowledges the stored message and broadcasts it to every socket in the room, the sender's included", async () => {
    const ana = await server.connect({ auth: { name: "Ana" } });
    const bea = await server.connect({ auth: { name: "Bea" } });
    const outsider = await server.connect();
    const elsewhere = await server.connect();
    const seenByAna = collectMessages(ana.socket);
    const seenByBea = collectMessages(bea.socket);
    const seenByOutsider = collectMessages(outsider.socket);
    const seenElsewhere = collectMessages(elsewhere.socket);
    await request(ana.socket, "room:join", { room: "general" });
    await request(bea.socket, "room:join", { room: "general" });
    await request(elsewhere.socket, "room:join", { room: "random" });

    const before = Date.now();
    const ack = await request(ana.socket, "message:send", {
      room: "general",
      text: "olá",
      clientId: "m1",
    });

    expect(ack).toEqual({
      ok: true,
      duplicate: false,
      message: {
        id: expect.any(String),
        room: "general",
        seq: 1,
        clientId: "m1",
        author: ana.session.user,
        text: "olá",
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        // Rev 1 made the room: its first message's author became its owner.
        rev: 2,
        editedAt: null,
        deleted: false,
        replyTo: null,
        reactions: [],
      },
    });
    if (!ack.ok) return;
    expect(Date.parse(ack.message.createdAt)).toBeGreaterThanOrEqual(before - 1);
    await eventually(() => {
      expect(seenByAna).toEqual([ack.message]);
      expect(seenByBea).toEqual([ack.message]);
    });
    await settle(outsider.socket);
    await settle(elsewhere.socket);
    expect(seenByOutsider).toEqual([]);
    expect(seenElsewhere).toEqual([]);
  });

  it("numbers messages per room, whoever sends them", async () => {
    const ana = await server.connect();
    const bea = await server.connect();
    for (const { socket } of [ana, bea]) {
      await request(socket, "room:join", { room: "one" });
      await request(socket, "room:join", { room: "two" });
    }
    const sends: Array<[typeof ana, string]> = [
      [ana, "one"],
      [bea, "one"],
      [bea, "two"],
      [ana, "one"],
      [ana, "two"],
    ];
    const seqs: string[] = [];
    for (const [{ socket }, room] of sends) {
      const ack = await request(socket, "message:send", {
        room,
        text: "x",
        clientId: `c${seqs.length}`,
      });
      if (ack.ok) seqs.push(`${ack.message.room}:${ack.message.seq}`);
    }
    expect(seqs).toEqual(["one:1", "one:2", "two:1", "one:3", "two:2"]);
  });

  it("gives gap-free seqs to many sockets sending at once, and everyone receives every message", async () => {
    const people = await Promise.all([server.connect(), server.connect(), server.connect()]);
    const seen = people.map(({ socket }) => collectMessages(socket));
    for (const { socket } of people) await request(socket, "room:join", { room: "rush" });

    const acks = await Promise.all(
      people.flatMap(({ socket }, p) =>
        Array.from({ length: 20 }, (_, i) =>
          request(socket, "message:send", { room: "rush", text: `${p}/${i}`, clientId: `c${i}` }),
        ),
      ),
    );

    const all = Array.from({ length: 60 }, (_, i) => i + 1);
    const acked = acks.map((ack) => (ack.ok ? ack.message.seq : -1));
    expect(acked.toSorted((a, b) => a - b)).toEqual(all);
    await eventually(() => {
      for (const received of seen)
        expect(received.map((m) => m.seq).toSorted((a, b) => a - b)).toEqual(all);
    });
  });

  it("takes the author from the connection and ignores fields the client may not set", async () => {
    const ana = await server.connect({ auth: { name: "Ana" } });
    await request(ana.socket, "room:join", { room: "general" });

    const ack = await rawRequest(ana.socket, "message:send", {
      room: "general",
      text: "it's me",
      clientId: "c1",
      author: { id: "someone-else", name: "Mallory" },
      id: "chosen-id",
      seq: 99,
      createdAt: "2000-01-01T00:00:00.000Z",
    });

    expect(ack).toMatchObject({
      ok: true,
      message: { author: ana.session.user, seq: 1, clientId: "c1" },
    });
    const stored = (await server.store.messages.latest("general", 10)).messages;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ author: ana.session.user, seq: 1 });
    expect(stored[0]?.id).not.toBe("chosen-id");
    expect(stored[0]?.createdAt).not.toBe("2000-01-01T00:00:00.000Z");
  });

  it.each([
    ["markup", "<img src=x onerror=alert(1)> <b>bold</b>"],
    ["surrounding whitespace and newlines", "  two\n\nlines  "],
    ["4000 emoji, the longest text", "😀".repeat(4000)],
    ["4000 control characters, the largest legal frame", "\u0001".repeat(4000)],
  ])("keeps %s verbatim", async (_case, text) => {
    const { socket } = await server.connect();
    const room = "r".repeat(64);
    await request(socket, "room:join", { room });

    const ack = await request(socket, "message:send", { room, text, clientId: "x".repeat(64) });

    expect(ack).toMatchObject({ ok: true, message: { text } });
    expect((await server.store.messages.latest(room, 1)).messages[0]?.text).toBe(text);
  });

  describe("a clientId used again", () => {
    it("returns the stored message as a duplicate and broadcasts nothing", async () => {
      const ana = await server.connect();
      const bea = await server.connect();
      const seenByAna = collectMessages(ana.socket);
      const seenByBea = collectMessages(bea.socket);
      await request(ana.socket, "room:join", { room: "general" });
      await request(bea.socket, "room:join", { room: "general" });
      const first = await request(ana.socket, "message:send", {
        room: "general",
        text: "once",
        clientId: "retry",
      });

      const again = await request(ana.socket, "message:send", {
        room: "general",
        text: "once, edited",
        clientId: "retry",
      });

      expect(first.ok && again.ok).toBe(true);
      if (!first.ok || !again.ok) return;
      expect(again).toEqual({ ok: true, duplicate: true, message: first.message });
      await settle(ana.socket);
      await settle(bea.socket);
      expect(seenByAna).toEqual([first.message]);
      expect(seenByBea).toEqual([first.message]);
      expect(await server.store.rooms.latestSeq("general")).toBe(1);
    });

    it("is a duplicate from another connection of the same person", async () => {
      const first = await server.connect();
      const second = await server.connect({ auth: { token: first.session.token } });
      for (const { socket } of [first, second])
        await request(socket, "room:join", { room: "general" });
      const payload = { room: "general", text: "sent from a tab", clientId: "tab" };

      const original = await request(first.socket, "message:send", payload);
      const resent = await request(second.socket, "message:send", payload);

      expect(resent).toMatchObject({ ok: true, duplicate: true });
      if (original.ok && resent.ok) expect(resent.message).toEqual(original.message);
    });

    it("is a new message from another person or in another room", async () => {
      const ana = await server.connect();
      const bea = await server.connect();
      for (const { socket } of [ana, bea]) {
        await request(socket, "room:join", { room: "one" });
        await request(socket, "room:join", { room: "two" });
      }
      const send = (socket: typeof ana.socket, room: string) =>
        request(socket, "message:send", { room, text: "same id", clientId: "shared" });

      expect(await send(ana.socket, "one")).toMatchObject({
        duplicate: false,
        message: { seq: 1 },
      });
      expect(await send(bea.socket, "one")).toMatchObject({
        duplicate: false,
        message: { seq: 2 },
      });
      expect(await send(ana.socket, "two")).toMatchObject({
        duplicate: false,
        message: { seq: 1 },
      });
    });
  });

  describe("errors, checked in the documented order", () => {
    const valid = { room: "general", text: "hello", clientId: "c1" };

    it.each([
      ["a payload that is not an object", "hello", true, "invalid_payload"],
      ["null", null, true, "invalid_payload"],
      ["an array", [valid], true, "invalid_payload"],
      // Text may be absent beside files (issue 17); with neither, the message is empty.
      ["no text and no files", { room: "general", clientId: "c1" }, true, "empty_message"],
      ["no clientId", { room: "general", text: "hi" }, true, "invalid_payload"],
      ["no room", { text: "hi", clientId: "c1" }, true, "invalid_payload"],
      ["a numeric text", { ...valid, text: 42 }, true, "invalid_payload"],
      ["a clientId with a space", { ...valid, clientId: "a b" }, true, "invalid_payload"],
      [
        "a clientId of 65 characters",
        { ...valid, clientId: "c".repeat(65) },
        true,
        "invalid_payload",
      ],
      [
        "text that is not well-formed Unicode",
        { ...valid, text: "\ud800" },
        true,
        "invalid_payload",
      ],
      [
        "a bad clientId before a bad room",
        { ...valid, clientId: "", room: "BAD" },
        false,
        "invalid_payload",
      ],
      ["an uppercase room", { ...valid, room: "General" }, false, "invalid_room"],
      ["a bad room before blank text", { ...valid, room: "-x", text: "  " }, false, "invalid_room"],
      [
        "a bad room before too long text",
        { ...valid, room: "a b", text: "x".repeat(4001) },
        false,
        "invalid_room",
      ],
      ["empty text", { ...valid, text: "" }, true, "empty_message"],
      ["blank text", { ...valid, text: " \n\t " }, true, "empty_message"],
      ["blank text before not joined", { ...valid, text: "   " }, false, "empty_message"],
      ["4001 characters", { ...valid, text: "x".repeat(4001) }, true, "message_too_long"],
      ["4001 emoji", { ...valid, text: "😀".repeat(4001) }, true, "message_too_long"],
      [
        "too long before not joined",
        { ...valid, text: "x".repeat(4001) },
        false,
        "message_too_long",
      ],
      ["a room this socket has not joined", valid, false, "not_joined"],
    ])(
      "%s → %s; nothing is stored or broadcast and the socket keeps working",
      async (_case, payload, joined, code) => {
        const { socket } = await server.connect();
        const { socket: watcher } = await server.connect();
        const seen = collectMessages(watcher);
        await request(watcher, "room:join", { room: "general" });
        if (joined) await request(socket, "room:join", { room: "general" });

        const reply = await rawRequest(socket, "message:send", payload);

        expect(reply).toEqual({ ok: false, error: { code, message: expect.any(String) } });
        expect(await server.store.rooms.recent(10)).toEqual([]);
        await settle(watcher);
        expect(seen).toEqual([]);

        if (!joined) await request(socket, "room:join", { room: "general" });
        expect(await request(socket, "message:send", valid)).toMatchObject({
          ok: true,
          message: { seq: 1 },
        });
      },
    );

    it.each([
      ["ASCII", "x", 30_000],
      ["emoji, four bytes each", "😀", 6_200],
      ["CJK, three bytes each", "名", 8_300],
      ["control characters, escaped to six bytes each", "\u0001", 4_001],
    ])(
      "answers a text over the limit in %s, in a frame of legal size, with message_too_long, not a disconnect",
      async (_case, character, count) => {
        const { socket } = await server.connect();
        await request(socket, "room:join", { room: "general" });

        const reply = await request(socket, "message:send", {
          ...valid,
          text: character.repeat(count),
        });

        expect(reply).toMatchObject({ ok: false, error: { code: "message_too_long" } });
        expect(socket.connected).toBe(true);
        expect(await server.store.rooms.latestSeq("general")).toBe(0);
      },
    );

    it("drops only the connection that sends a frame larger than any chat message", async () => {
      const { socket: flooder } = await server.connect();
      const { socket: bystander } = await server.connect();
      await request(flooder, "room:join", { room: "general" });
      await request(bystander, "room:join", { room: "general" });
      const dropped = new Promise((resolve) => flooder.once("disconnect", resolve));

      rawEmit(flooder, "message:send", { ...valid, text: "x".repeat(MAX_FRAME_BYTES + 1) });

      await dropped;
      expect(await request(bystander, "message:send", valid)).toMatchObject({
        ok: true,
        message: { seq: 1 },
      });
    });

    it("refuses a room that was joined and then left", async () => {
      const { socket } = await server.connect();
      await request(socket, "room:join", { room: "general" });
      await request(socket, "room:leave", { room: "general" });
      expect(await request(socket, "message:send", valid)).toMatchObject({
        ok: false,
        error: { code: "not_joined" },
      });
      expect(await server.store.rooms.latestSeq("general")).toBe(0);
    });

    it("refuses a room joined by another connection of the same person", async () => {
      const first = await server.connect();
      const second = await server.connect({ auth: { token: first.session.token } });
      await request(first.socket, "room:join", { room: "general" });
      expect(await request(second.socket, "message:send", valid)).toMatchObject({
        ok: false,
        error: { code: "not_joined" },
      });
    });
  });

  describe("requests without a proper acknowledgement", () => {
    it("stores and broadcasts a valid message sent without an acknowledgement callback", async () => {
      const { socket: sender } = await server.connect();
      const { socket: reader } = await server.connect();
      const seen = collectMessages(reader);
      await request(sender, "room:join", { room: "general" });
      await request(reader, "room:join", { room: "general" });

      rawEmit(sender, "message:send", { room: "general", text: "fire and forget", clientId: "c1" });

      await eventually(() => expect(seen.map((m) => m.text)).toEqual(["fire and forget"]));
    });

    it("survives events with nothing, garbage or only a callback, and keeps serving the socket", async () => {
      const { socket } = await server.connect();
      for (const event of [
        "room:join",
        "room:leave",
        "message:send",
        "history:before",
        "history:after",
        "user:rename",
      ]) {
        rawEmit(socket, event);
        rawEmit(socket, event, null);
        rawEmit(socket, event, "garbage", 42, { nested: [1, 2] });
        expect(await rawRequest(socket, event)).toMatchObject({
          ok: false,
          error: { code: "invalid_payload" },
        });
      }
      rawEmit(socket, "no:such-event", { room: "general" });

      expect(await request(socket, "room:join", { room: "general" })).toMatchObject({ ok: true });
      expect(
        await request(socket, "message:send", {
          room: "general",
          text: "still here",
          clientId: "c1",
        }),
      ).toMatchObject({ ok: true, message: { seq: 1 } });
      expect(socket.connected).toBe(true);
    });
  });
});
