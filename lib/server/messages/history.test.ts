import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatMessage } from "../../shared/protocol";
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

describe("history:before, without joining", () => {
  it.each([
    ["before=0", 10, 0, 3, [], false],
    ["before=1", 10, 1, 3, [], false],
    ["fewer older than the limit", 10, 3, 5, [1, 2], false],
    ["exactly the limit older", 10, 6, 5, range(1, 5), false],
    ["one more than the limit older", 10, 7, 5, range(2, 6), true],
    ["a cursor beyond the end", 10, 99, 3, [8, 9, 10], true],
    ["the default limit of 50", 120, 121, undefined, range(71, 120), true],
    ["a limit above 200, clamped to 200", 250, 251, 500, range(51, 250), true],
    ["a limit of 0, clamped to 1", 10, 5, 0, [4], true],
    ["an empty room", 0, 10, 5, [], false],
  ])(
    "%s: the newest older messages, ascending, hasMore meaning still older ones",
    async (_case, count, before, limit, expected, hasMore) => {
      await seedMessages(server.store, "archive", count);
      const { socket } = await server.connect();

      const page = await request(socket, "history:before", { room: "archive", before, limit });

      expect(page).toMatchObject({ ok: true, hasMore });
      if (page.ok) expect(seqs(page.messages)).toEqual(expected);
    },
  );
});

describe("history:after, without joining", () => {
  it.each([
    ["after=0", 10, 0, 3, [1, 2, 3], true],
    ["exactly the limit newer", 10, 5, 5, range(6, 10), false],
    ["one more than the limit newer", 10, 4, 5, range(5, 9), true],
    ["fewer newer than the limit", 10, 8, 5, [9, 10], false],
    ["a cursor at the end", 10, 10, 5, [], false],
    ["a cursor beyond the end", 10, 50, 5, [], false],
    ["the default limit of 50", 120, 0, undefined, range(1, 50), true],
    ["a limit above 200, clamped to 200", 250, 0, 201, range(1, 200), true],
    ["a negative limit, clamped to 1", 10, 2, -7, [3], true],
    ["an empty room", 0, 0, 5, [], false],
  ])(
    "%s: the oldest newer messages, ascending, hasMore meaning newer ones",
    async (_case, count, after, limit, expected, hasMore) => {
      await seedMessages(server.store, "archive", count);
      const { socket } = await server.connect();

      const page = await request(socket, "history:after", { room: "archive", after, limit });

      expect(page).toMatchObject({ ok: true, hasMore });
      if (page.ok) expect(seqs(page.messages)).toEqual(expected);
    },
  );
});

describe("history paging", () => {
  it("walks from the join page back to the first message, and forward again, with every message once", async () => {
    const stored = await seedMessages(server.store, "long", 23);
    const { socket } = await server.connect();

    const joined = await request(socket, "room:join", { room: "long", limit: 5 });
    if (!joined.ok) throw new Error("join failed");
    const backwards = [...joined.messages];
    let hasMore = joined.hasMore;
    while (hasMore) {
      const page = await request(socket, "history:before", {
        room: "long",
        before: backwards[0]?.seq ?? 0,
        limit: 5,
      });
      if (!page.ok) throw new Error("history:before failed");
      backwards.unshift(...page.messages);
      hasMore = page.hasMore;
    }
    expect(backwards).toEqual(stored);

    const forwards: ChatMessage[] = [];
    hasMore = true;
    while (hasMore) {
      const page = await request(socket, "history:after", {
        room: "long",
        after: forwards.at(-1)?.seq ?? 0,
        limit: 5,
      });
      if (!page.ok) throw new Error("history:after failed");
      forwards.push(...page.messages);
      hasMore = page.hasMore;
    }
    expect(forwards).toEqual(stored);
  });

  it("catches up after `since` the way a reconnecting client does", async () => {
    await seedMessages(server.store, "busy", 130);
    const { socket } = await server.connect();

    const joined = await request(socket, "room:join", { room: "busy", since: 20, limit: 50 });
    if (!joined.ok) throw new Error("join failed");
    const caughtUp = [...joined.messages];
    let hasMore = joined.hasMore;
    while (hasMore) {
      const page = await request(socket, "history:after", {
        room: "busy",
        after: caughtUp.at(-1)?.seq ?? 0,
        limit: 50,
      });
      if (!page.ok) throw new Error("history:after failed");
      caughtUp.push(...page.messages);
      hasMore = page.hasMore;
    }

    expect(joined.latestSeq).toBe(130);
    expect(seqs(caughtUp)).toEqual(range(21, 130));
  });

  it("reads history without subscribing to the room", async () => {
    const { socket: reader } = await server.connect();
    const { socket: writer } = await server.connect();
    const seen = collectMessages(reader);
    await request(writer, "room:join", { room: "general" });
    await request(reader, "history:before", { room: "general", before: 10 });
    await request(reader, "history:after", { room: "general", after: 0 });

    await request(writer, "message:send", { room: "general", text: "live", clientId: "c1" });
    await settle(reader);

    expect(seen).toEqual([]);
    expect(
      await request(reader, "message:send", { room: "general", text: "hi", clientId: "c2" }),
    ).toMatchObject({ ok: false, error: { code: "not_joined" } });
  });
});

describe("history errors", () => {
  it.each([
    ["history:before", "no cursor", { room: "general" }, "invalid_payload"],
    ["history:before", "a negative cursor", { room: "general", before: -1 }, "invalid_payload"],
    ["history:before", "a fractional cursor", { room: "general", before: 2.5 }, "invalid_payload"],
    [
      "history:before",
      "a cursor given as a string",
      { room: "general", before: "3" },
      "invalid_payload",
    ],
    [
      "history:before",
      "a limit given as a string",
      { room: "general", before: 3, limit: "5" },
      "invalid_payload",
    ],
    [
      "history:before",
      "a fractional limit",
      { room: "general", before: 3, limit: 0.5 },
      "invalid_payload",
    ],
    ["history:before", "null", null, "invalid_payload"],
    [
      "history:before",
      "a bad cursor and a bad room",
      { room: "Bad", before: -1 },
      "invalid_payload",
    ],
    ["history:before", "an uppercase room", { room: "General", before: 3 }, "invalid_room"],
    ["history:after", "no cursor", { room: "general" }, "invalid_payload"],
    ["history:after", "a negative cursor", { room: "general", after: -1 }, "invalid_payload"],
    ["history:after", "a null cursor", { room: "general", after: null }, "invalid_payload"],
    [
      "history:after",
      "a cursor given as a string",
      { room: "general", after: "0" },
      "invalid_payload",
    ],
    [
      "history:after",
      "a limit given as a string",
      { room: "general", after: 0, limit: "5" },
      "invalid_payload",
    ],
    ["history:after", "a payload that is not an object", "general", "invalid_payload"],
    [
      "history:after",
      "a room starting with an underscore",
      { room: "_x", after: 0 },
      "invalid_room",
    ],
  ])("%s with %s → %s, and the socket keeps working", async (event, _case, payload, code) => {
    await seedMessages(server.store, "general", 3);
    const { socket } = await server.connect();

    expect(await rawRequest(socket, event, payload)).toEqual({
      ok: false,
      error: { code, message: expect.any(String) },
    });
    expect(await request(socket, "history:after", { room: "general", after: 0 })).toMatchObject({
      ok: true,
      messages: [{ seq: 1 }, { seq: 2 }, { seq: 3 }],
    });
  });
});
