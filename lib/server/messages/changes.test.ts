import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import { MAX_MESSAGE_CODE_POINTS, MAX_REACTIONS_PER_MESSAGE } from "../../shared/limits";
import type { ChatMessage, MessageUpdate } from "../../shared/protocol";
import { StoreUnavailableError } from "../store/types";
import {
  ChatTestServer,
  eventually,
  rawRequest,
  request,
  settle,
} from "../testing/chat-test-server";
import { type FaultyStore, faultyStore } from "../testing/faulty-store";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

function collectUpdates(socket: ChatClientSocket): MessageUpdate[] {
  const received: MessageUpdate[] = [];
  socket.on("message:updated", (update) => received.push(update));
  return received;
}

/** Ana and Bea in "general", an outsider elsewhere, each collecting `message:updated`. */
async function room() {
  const ana = await server.connect({ auth: { name: "Ana" } });
  const bea = await server.connect({ auth: { name: "Bea" } });
  const outsider = await server.connect({ auth: { name: "Out" } });
  await request(ana.socket, "room:join", { room: "general" });
  await request(bea.socket, "room:join", { room: "general" });
  await request(outsider.socket, "room:join", { room: "random" });
  const updates = {
    ana: collectUpdates(ana.socket),
    bea: collectUpdates(bea.socket),
    outsider: collectUpdates(outsider.socket),
  };
  let n = 0;
  const send = async (text: string, socket = ana.socket, replyTo?: string) => {
    n += 1;
    const ack = await request(socket, "message:send", {
      room: "general",
      text,
      clientId: `m${n}`,
      ...(replyTo === undefined ? {} : { replyTo }),
    });
    if (!ack.ok) throw new Error(`send failed: ${JSON.stringify(ack)}`);
    return ack.message;
  };
  return { ana, bea, outsider, updates, send };
}

/** Every message of the room in its current state, as a fresh reader replays it. */
async function replayAll(
  roomName = "general",
): Promise<{ messages: ChatMessage[]; latestRev: number }> {
  const { socket } = await server.connect();
  const messages: ChatMessage[] = [];
  let after = 0;
  for (;;) {
    const page = await request(socket, "changes:after", { room: roomName, after, limit: 3 });
    if (!page.ok) throw new Error(JSON.stringify(page));
    messages.push(...page.messages);
    if (!page.hasMore) return { messages, latestRev: page.latestRev };
    // A page accounts for every rev up to its last, messages and memberships alike.
    const revs = [...page.messages, ...page.members].map((change) => change.rev);
    after = Math.max(after, ...revs);
  }
}

describe("message:edit", () => {
  it("acknowledges the edited message and broadcasts its new state to the room only", async () => {
    const { ana, bea, outsider, updates, send } = await room();
    const sent = await send("helo");
    const ack = await request(ana.socket, "message:edit", {
      room: "general",
      id: sent.id,
      text: "hello",
    });
    expect(ack).toEqual({
      ok: true,
      message: { ...sent, text: "hello", rev: 3, editedAt: expect.any(String) },
    });
    if (!ack.ok) return;
    await eventually(() => {
      expect(updates.ana).toEqual([ack.message]);
      expect(updates.bea).toEqual([ack.message]);
    });
    await settle(outsider.socket);
    expect(updates.outsider).toEqual([]);
    const joined = await request(bea.socket, "room:join", { room: "general" });
    // Rev 1 made the room (Ana its owner), 2 the message, 3 the edit, 4 Bea's
    // membership, recorded by this join of a room that now exists.
    expect(joined).toMatchObject({ ok: true, latestSeq: 1, latestRev: 4 });
  });
});

describe("message:delete", () => {
  it("leaves a tombstone, broadcast as such, and the text in no answer", async () => {
    const { ana, updates, send } = await room();
    const sent = await send("a secret never to be read again");
    await send("next");
    const ack = await request(ana.socket, "message:delete", { room: "general", id: sent.id });
    expect(ack).toMatchObject({
      ok: true,
      message: { id: sent.id, seq: 1, text: "", deleted: true, reactions: [], rev: 4 },
    });
    await eventually(() => expect(updates.ana.map((u) => u.deleted)).toEqual([true]));
    const history = await request(ana.socket, "history:after", { room: "general", after: 0 });
    const around = await request(ana.socket, "history:around", { room: "general", seq: 1 });
    const replayed = await replayAll();
    expect(JSON.stringify([history, around, replayed])).not.toContain("secret");
  });
});

describe("reactions", () => {
  it("tell the reactor `me` in their answers, and the room what changed in one frame for all", async () => {
    const { ana, bea, updates, send } = await room();
    const sent = await send("react to me");
    const ack = await request(bea.socket, "reaction:add", {
      room: "general",
      id: sent.id,
      emoji: "👍",
    });
    expect(ack).toMatchObject({
      ok: true,
      message: { rev: 3, reactions: [{ emoji: "👍", count: 1, me: true }] },
    });
    await eventually(() => expect(updates.ana).toHaveLength(1));
    expect(updates.ana[0]).toMatchObject({
      rev: 3,
      reactions: [{ emoji: "👍", count: 1 }],
      reaction: { emoji: "👍", userId: bea.session.user.id, added: true },
    });
    expect(updates.ana[0]?.reactions[0]).not.toHaveProperty("me");
    expect(updates.bea).toEqual(updates.ana);

    const seenByAna = await request(ana.socket, "history:after", { room: "general", after: 0 });
    const seenByBea = await request(bea.socket, "room:join", { room: "general" });
    expect(seenByAna).toMatchObject({ messages: [{ reactions: [{ emoji: "👍", me: false }] }] });
    expect(seenByBea).toMatchObject({ messages: [{ reactions: [{ emoji: "👍", me: true }] }] });

    const removed = await request(bea.socket, "reaction:remove", {
      room: "general",
      id: sent.id,
      emoji: "👍",
    });
    // Bea's join above made her a member: rev 4.
    expect(removed).toMatchObject({ ok: true, message: { rev: 5, reactions: [] } });
    await eventually(() =>
      expect(updates.ana.at(-1)?.reaction).toEqual({
        emoji: "👍",
        userId: bea.session.user.id,
        added: false,
      }),
    );
  });

  it("normalise an emoji to its fully-qualified form, so one emoji is one reaction", async () => {
    const { ana, bea, send } = await room();
    const sent = await send("hearts");
    await request(ana.socket, "reaction:add", { room: "general", id: sent.id, emoji: "❤" });
    const ack = await request(bea.socket, "reaction:add", {
      room: "general",
      id: sent.id,
      emoji: "❤️",
    });
    expect(ack).toMatchObject({ ok: true, message: { reactions: [{ emoji: "❤️", count: 2 }] } });
  });

  it("list who reacted by name, on demand, with the count", async () => {
    const { ana, bea, send } = await room();
    const sent = await send("popular");
    await request(ana.socket, "reaction:add", { room: "general", id: sent.id, emoji: "🎉" });
    await request(bea.socket, "reaction:add", { room: "general", id: sent.id, emoji: "🎉" });
    const { socket } = await server.connect();
    expect(
      await request(socket, "reaction:users", { room: "general", id: sent.id, emoji: "🎉" }),
    ).toEqual({
      ok: true,
      users: [ana.session.user, bea.session.user],
      count: 2,
    });
  });
});

describe("refused changes store nothing and broadcast nothing", () => {
  const oversized = "x".repeat(MAX_MESSAGE_CODE_POINTS + 1);
  const cases: [string, string, (ids: { mine: string; full: string }) => [string, object]][] = [
    [
      "someone else's edit",
      "forbidden",
      ({ mine }) => ["message:edit", { id: mine, text: "mine now" }],
    ],
    ["someone else's delete", "forbidden", ({ mine }) => ["message:delete", { id: mine }]],
    [
      "an edit of an unknown id",
      "not_found",
      () => ["message:edit", { id: "0000-dead", text: "x" }],
    ],
    [
      "a reaction to an unknown id",
      "not_found",
      () => ["reaction:add", { id: "0000-dead", emoji: "👍" }],
    ],
    [
      "two emoji as one reaction",
      "invalid_payload",
      ({ mine }) => ["reaction:add", { id: mine, emoji: "👍👍" }],
    ],
    [
      "a letter as a reaction",
      "invalid_payload",
      ({ mine }) => ["reaction:add", { id: mine, emoji: "a" }],
    ],
    [
      "an empty reaction",
      "invalid_payload",
      ({ mine }) => ["reaction:add", { id: mine, emoji: "" }],
    ],
    [
      "an oversized edit",
      "message_too_long",
      ({ mine }) => ["message:edit", { id: mine, text: oversized }],
    ],
    ["a blank edit", "empty_message", ({ mine }) => ["message:edit", { id: mine, text: "   " }]],
    [
      `a ${MAX_REACTIONS_PER_MESSAGE + 1}st distinct emoji`,
      "reaction_limit",
      ({ full }) => ["reaction:add", { id: full, emoji: "👍" }],
    ],
    [
      "an answer to an unknown message",
      "not_found",
      () => ["message:send", { text: "re", clientId: "re", replyTo: "0000-dead" }],
    ],
  ];

  it.each(cases)("%s is %s", async (_name, code, make) => {
    const { ana, bea, updates, send } = await room();
    const mine = await send("ana's words");
    const full = await send("full of emoji");
    for (let i = 0; i < MAX_REACTIONS_PER_MESSAGE; i++)
      await request(ana.socket, "reaction:add", {
        room: "general",
        id: full.id,
        emoji: String.fromCodePoint(0x1f600 + i),
      });
    await settle(ana.socket);
    const before = await replayAll();
    updates.ana.length = 0;

    // Bea makes the change: the message is Ana's.
    const [event, payload] = make({ mine: mine.id, full: full.id });
    const answer = await rawRequest(bea.socket, event, { room: "general", ...payload });

    expect(answer).toMatchObject({ ok: false, error: { code } });
    expect(await replayAll()).toEqual(before);
    await settle(ana.socket);
    expect(updates.ana).toEqual([]);
  });

  it("an edit of a message in another room is not_found", async () => {
    const { ana, send } = await room();
    const sent = await send("here");
    expect(
      await request(ana.socket, "message:edit", { room: "random", id: sent.id, text: "there" }),
    ).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});

describe("a resent change", () => {
  it("is applied once: the same answer, one rev, one broadcast", async () => {
    const { ana, bea, updates, send } = await room();
    const sent = await send("typo");
    const edit = { room: "general", id: sent.id, text: "fixed" };
    const react = { room: "general", id: sent.id, emoji: "🎉" };
    const first = await request(ana.socket, "message:edit", edit);
    const again = await request(ana.socket, "message:edit", edit);
    expect(again).toEqual(first);
    const reacted = await request(bea.socket, "reaction:add", react);
    expect(await request(bea.socket, "reaction:add", react)).toEqual(reacted);
    const deleted = await request(ana.socket, "message:delete", { room: "general", id: sent.id });
    expect(await request(ana.socket, "message:delete", { room: "general", id: sent.id })).toEqual(
      deleted,
    );
    await settle(bea.socket);
    expect(updates.bea.map((u) => u.rev)).toEqual([3, 4, 5]);
    expect((await replayAll()).latestRev).toBe(5);
  });
});

describe("message:updated", () => {
  it("is not sent for a change the store failed to commit", async () => {
    await server.dispose();
    let faulty: FaultyStore | undefined;
    server = await ChatTestServer.start({
      openStore: async (path) => {
        const { SqliteStore } = await import("../store/sqlite-store");
        faulty = faultyStore(new SqliteStore(path));
        return faulty;
      },
    });
    const { ana, updates, send } = await room();
    const sent = await send("before the fault");
    faulty?.breakMethod(
      "messages.change",
      new StoreUnavailableError("disk gone", { fault: { kind: "io", code: "SQLITE_IOERR" } }),
    );
    const ack = await request(ana.socket, "message:edit", {
      room: "general",
      id: sent.id,
      text: "never stored",
    });
    expect(ack).toMatchObject({ ok: false, error: { code: "unavailable" } });
    await settle(ana.socket);
    expect(updates.ana).toEqual([]);
  });

  it("arrives once the change can be read back by anyone", async () => {
    const { ana, bea, send } = await room();
    const sent = await send("watch me");
    const readBack: (ChatMessage | undefined)[] = [];
    const done = new Promise<void>((resolve) => {
      bea.socket.once("message:updated", (update) => {
        // Read through the store at the moment the broadcast arrives.
        void server.store.messages.changesAfter("general", update.rev - 1, 10).then((page) => {
          readBack.push(page.messages.find((m) => m.rev === update.rev));
          resolve();
        });
      });
    });
    await request(ana.socket, "message:edit", { room: "general", id: sent.id, text: "watched" });
    await done;
    expect(readBack[0]).toMatchObject({ id: sent.id, text: "watched" });
  });
});

describe("changes:after", () => {
  it("pages over every change without a join, each message once in its current state", async () => {
    const { ana, bea, send } = await room();
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 7; i++) sent.push(await send(`m${i}`));
    for (const message of sent.slice(0, 3))
      await request(ana.socket, "message:edit", {
        room: "general",
        id: message.id,
        text: `${message.text} edited`,
      });
    await request(bea.socket, "reaction:add", {
      room: "general",
      id: sent[4]?.id ?? "",
      emoji: "👍",
    });

    const { messages, latestRev } = await replayAll();
    expect(latestRev).toBe(12);
    expect(messages.map((m) => m.text)).toEqual([
      "m3",
      "m5",
      "m6",
      "m0 edited",
      "m1 edited",
      "m2 edited",
      "m4",
    ]);
    // Rev 1 is the room's making (its owner's membership), which the page carries in `members`.
    expect(messages.map((m) => m.rev)).toEqual([5, 7, 8, 9, 10, 11, 12]);
    const page = await request(bea.socket, "changes:after", { room: "general", after: 0 });
    expect(page.ok && page.members.map((m) => [m.rev, m.kind, m.role])).toEqual([
      [1, "joined", "owner"],
    ]);
  });
});

describe("history:around", () => {
  it("answers the page centred on a seq, saying what lies beyond on each side", async () => {
    const { socket } = await server.connect();
    const { send } = await room();
    for (let i = 1; i <= 21; i++) await send(`m${i}`);
    const around = await request(socket, "history:around", { room: "general", seq: 10, limit: 5 });
    expect(around).toMatchObject({ ok: true, hasMoreBefore: true, hasMoreAfter: true });
    if (around.ok) expect(around.messages.map((m) => m.seq)).toEqual([8, 9, 10, 11, 12]);
    const start = await request(socket, "history:around", { room: "general", seq: 1, limit: 5 });
    expect(start).toMatchObject({ ok: true, hasMoreBefore: false, hasMoreAfter: true });
    if (start.ok) expect(start.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    const end = await request(socket, "history:around", { room: "general", seq: 21, limit: 1 });
    expect(end).toMatchObject({ ok: true, hasMoreBefore: true, hasMoreAfter: false });
    if (end.ok) expect(end.messages.map((m) => m.seq)).toEqual([21]);
  });
});

describe("message:send with replyTo", () => {
  it("stores and broadcasts what the message answers", async () => {
    const { bea, send } = await room();
    const question = await send("why?");
    const answer = await send("because", bea.socket, question.id);
    expect(answer.replyTo).toEqual({ id: question.id, seq: question.seq });
  });
});

describe("budgets", () => {
  it("spend a change from the sender's message budget", async () => {
    await server.dispose();
    server = await ChatTestServer.start({ limits: { messagesPerSecond: 1, messageBurst: 1 } });
    const { ana, send } = await room();
    const sent = await send("one");
    const reacted = await request(ana.socket, "reaction:add", {
      room: "general",
      id: sent.id,
      emoji: "👍",
    });
    expect(reacted).toMatchObject({ ok: true });
    const refused = await request(ana.socket, "message:edit", {
      room: "general",
      id: sent.id,
      text: "two",
    });
    expect(refused).toMatchObject({ ok: false, error: { code: "rate_limited" } });
  });

  it("spend the new reads from the address's history budget", async () => {
    await server.dispose();
    server = await ChatTestServer.start({
      limits: { historyBytesPerIpPerSecond: 4 * 1024, historyByteBurstPerIp: 4 * 1024 },
    });
    const { ana, send } = await room();
    const sent = await send("read me");
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(await request(ana.socket, "changes:after", { room: "general", after: 0 }));
      answers.push(await request(ana.socket, "history:around", { room: "general", seq: 1 }));
      answers.push(
        await request(ana.socket, "reaction:users", { room: "general", id: sent.id, emoji: "👍" }),
      );
    }
    expect(answers.slice(0, 3).every((a) => a.ok)).toBe(true);
    expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: "rate_limited" } });
  });
});
