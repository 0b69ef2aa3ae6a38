import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatMessage } from "../../shared/protocol";
import {
  botTokenOf,
  ChatTestServer,
  eventually,
  rawEmit,
  request,
  settle,
} from "../testing/chat-test-server";
import { PushReceiver, type TestSubscription } from "../testing/push-receiver";
import { guest, member, type RoomPerson } from "../testing/room-people";
import { TEST_PUSH_DELAY_MS, testNotifications } from "./push-testing";

/*
 * Web Push end to end on one instance: a real server, real Socket.IO
 * clients, and a push service on loopback that decrypts every body with the
 * subscription's own private key (RFC 8291). What a person would check:
 * whether their phone buzzed, with what, and whether it buzzed twice.
 */

let server: ChatTestServer;
let receiver: PushReceiver;
let people = 0;

beforeAll(async () => {
  receiver = await PushReceiver.start();
  server = await ChatTestServer.start({ notifications: testNotifications() });
});
afterAll(async () => {
  await server?.dispose();
  await receiver?.close();
});

/** Long past the push delay: a push that has not come by then is not coming. */
async function pastTheDelay(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, TEST_PUSH_DELAY_MS * 4));
  await server.app.notifier.idle();
}

type Pair = { ana: RoomPerson; bea: RoomPerson; room: string; push: TestSubscription };

/** Ana and Bea in their direct room, Bea subscribed to pushes; both still connected. */
async function pair(previews = false): Promise<Pair> {
  people += 1;
  const ana = await guest(server, `Ana${people}`);
  const bea = await guest(server, `Bea${people}`);
  const push = receiver.subscription();
  await bea.must("push:subscribe", { endpoint: push.endpoint, keys: push.keys, previews });
  const { room } = await ana.must("dm:open", { userId: bea.user.id });
  await ana.must("room:join", { room: room.name });
  return { ana, bea, room: room.name, push };
}

let sent = 0;
async function send(from: RoomPerson, room: string, text: string): Promise<ChatMessage> {
  sent += 1;
  const answer = await from.must("message:send", { room, text, clientId: `push-${sent}` });
  return answer.message;
}

beforeEach(() => {
  expect(receiver.failures).toEqual([]);
});

describe("Web Push to a person with no tab open", () => {
  it("is delivered, encrypted for the subscription, without text unless previews are allowed", async () => {
    const { ana, bea, room, push } = await pair();
    bea.socket.disconnect();
    const message = await send(ana, room, "lunch at noon?");
    await eventually(() => expect(receiver.to(push.path)).toHaveLength(1));
    expect(receiver.to(push.path)[0]).toEqual({
      type: "message",
      room,
      seq: message.seq,
      messageId: message.id,
      tag: `msg:${message.id}`,
      count: 1,
      reason: "direct",
    });
    const body = receiver.received.find((r) => r.path === push.path);
    expect(JSON.stringify(body?.payload)).not.toContain("lunch");
    expect(body?.headers.ttl).toBeDefined();
  });

  it("carries the text and author's name when the subscription allows previews", async () => {
    const { ana, bea, room, push } = await pair(true);
    bea.socket.disconnect();
    await send(ana, room, "lunch at one, then");
    await eventually(() => expect(receiver.to(push.path)).toHaveLength(1));
    expect(receiver.to(push.path)[0]).toMatchObject({
      text: "lunch at one, then",
      author: ana.user.name,
    });
  });

  it("is one push for a burst, saying how many messages it stands for", async () => {
    const { ana, bea, room, push } = await pair();
    bea.socket.disconnect();
    await send(ana, room, "one");
    await send(ana, room, "two");
    const third = await send(ana, room, "three");
    await eventually(() => expect(receiver.to(push.path)).toHaveLength(1));
    await pastTheDelay();
    expect(receiver.to(push.path)).toEqual([
      expect.objectContaining({ count: 3, seq: third.seq, tag: `room:${room}` }),
    ]);
  });
});

describe("no push while the person is looking", () => {
  it("is not sent while they have a visible connection; their tab hears of the message instead", async () => {
    const { ana, bea, room, push } = await pair();
    const message = await send(ana, room, "are you there?");
    await eventually(() =>
      expect(bea.heard("notification")).toContainEqual(
        expect.objectContaining({
          messageId: message.id,
          reason: "direct",
          text: "are you there?",
        }),
      ),
    );
    await pastTheDelay();
    expect(receiver.to(push.path)).toEqual([]);
    // The author hears nothing of their own message.
    expect(ana.heard("notification")).toEqual([]);
  });

  it("is sent when their only connection is hidden", async () => {
    const { ana, bea, room, push } = await pair();
    rawEmit(bea.socket, "notifications:visibility", { visible: false });
    await settle(bea.socket);
    const message = await send(ana, room, "hidden tab");
    await eventually(() => expect(receiver.to(push.path)).toHaveLength(1));
    expect(receiver.to(push.path)[0]).toMatchObject({ messageId: message.id });
    // Visible again: the next message is not pushed.
    rawEmit(bea.socket, "notifications:visibility", { visible: true });
    await settle(bea.socket);
    await send(ana, room, "now visible");
    await pastTheDelay();
    expect(receiver.to(push.path)).toHaveLength(1);
  });
});

describe("a message that no longer stands", () => {
  it("is not pushed when deleted before the delay, and the open tab's notification is withdrawn", async () => {
    const { ana, bea, room, push } = await pair();
    rawEmit(bea.socket, "notifications:visibility", { visible: false });
    await settle(bea.socket);
    const message = await send(ana, room, "oops, wrong room");
    await ana.must("message:delete", { room, id: message.id });
    await eventually(() =>
      expect(bea.heard("notification:withdrawn")).toContainEqual({
        room,
        messageId: message.id,
        tag: `msg:${message.id}`,
      }),
    );
    await pastTheDelay();
    expect(receiver.to(push.path)).toEqual([]);
  });

  it("pushes a withdrawal when deleted after its push went out", async () => {
    const { ana, bea, room, push } = await pair();
    bea.socket.disconnect();
    const message = await send(ana, room, "soon gone");
    await eventually(() => expect(receiver.to(push.path)).toHaveLength(1));
    await ana.must("message:delete", { room, id: message.id });
    await eventually(() =>
      expect(receiver.to(push.path)[1]).toEqual({
        type: "withdraw",
        room,
        messageId: message.id,
        tag: `msg:${message.id}`,
      }),
    );
  });
});

describe("a message already read", () => {
  it("is not pushed when the person read it on another device before the delay", async () => {
    people += 1;
    const ana = await guest(server, `Ana${people}`);
    const bea = await member(server, `Bea${people}`);
    const push = receiver.subscription();
    await bea.must("push:subscribe", { endpoint: push.endpoint, keys: push.keys });
    const { room } = await ana.must("dm:open", { userId: bea.user.id });
    await ana.must("room:join", { room: room.name });
    rawEmit(bea.socket, "notifications:visibility", { visible: false });
    await settle(bea.socket);
    const message = await send(ana, room.name, "read me elsewhere");
    await bea.must("read:mark", { room: room.name, seq: message.seq });
    await pastTheDelay();
    expect(receiver.to(push.path)).toEqual([]);
  });
});

describe("levels and subscriptions", () => {
  it("sends nothing at level Nothing, to the tab or the push service", async () => {
    const { ana, bea, room, push } = await pair();
    await bea.must("notifications:set", { room, level: "nothing" });
    rawEmit(bea.socket, "notifications:visibility", { visible: false });
    await settle(bea.socket);
    await send(ana, room, "anyone?");
    await pastTheDelay();
    await settle(bea.socket);
    expect(bea.heard("notification")).toEqual([]);
    expect(receiver.to(push.path)).toEqual([]);
  });

  it("notifies of every message at level All, and not of plain ones at the default", async () => {
    people += 1;
    const owner = await guest(server, `Owner${people}`);
    const bea = await guest(server, `Bea${people}`);
    const cai = await guest(server, `Cai${people}`);
    const room = `notify-all-${people}`;
    await owner.must("room:create", { room, visibility: "public" });
    await bea.must("room:join", { room });
    await cai.must("room:join", { room });
    await owner.must("room:join", { room });
    await bea.must("notifications:set", { room, level: "all" });
    const message = await send(owner, room, "plain news");
    await eventually(() =>
      expect(bea.heard("notification")).toContainEqual(
        expect.objectContaining({ messageId: message.id, reason: "message" }),
      ),
    );
    await settle(cai.socket);
    expect(cai.heard("notification")).toEqual([]);
  });

  it("forgets a subscription its push service answers 410 Gone", async () => {
    const { ana, bea, room, push } = await pair();
    receiver.expire(push.path);
    bea.socket.disconnect();
    await send(ana, room, "into the void");
    await eventually(async () =>
      expect(await server.store.notifications.subscriptions([bea.user.id])).toEqual([]),
    );
  });

  it("refuses endpoints that are not https on a public host", async () => {
    const { bea } = await pair();
    const keys = receiver.subscription().keys;
    for (const endpoint of [
      "http://push.example.com/x",
      "https://10.0.0.1/x",
      "https://169.254.169.254/latest",
      "https://push.example.com:8443/x",
      "https://user:pw@push.example.com/x",
      "https://printer.local/x",
      "ftp://push.example.com/x",
    ]) {
      const answer = await bea.ask("push:subscribe", { endpoint, keys });
      expect(answer, endpoint).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    }
  });
});

describe("levels across devices", () => {
  it("tells the person's other connections, and refuses a private room they are not in", async () => {
    people += 1;
    const owner = await guest(server, `Owner${people}`);
    const first = await server.connect({ auth: { name: `Bea${people}` } });
    const bea = {
      user: first.session.user,
      ask: (e: "notifications:set", p: { room: string; level: "all" }) =>
        request(first.socket, e, p),
    };
    const { socket: again } = await server.connect({ auth: { token: botTokenOf(first.session) } });
    const heard: unknown[] = [];
    again.on("notifications:changed", (changed) => heard.push(changed));
    const room = `notify-private-${people}`;
    await owner.must("room:create", { room, visibility: "private" });
    const refused = await bea.ask("notifications:set", { room, level: "all" });
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden" } });
    await owner.must("member:add", { room, userId: bea.user.id });
    expect(await bea.ask("notifications:set", { room, level: "all" })).toMatchObject({ ok: true });
    await eventually(() => expect(heard).toEqual([{ room, level: "all" }]));
    expect(await request(again, "notifications:get", {})).toMatchObject({
      levels: { [room]: "all" },
      vapidPublicKey: expect.stringMatching(/^[A-Za-z0-9_-]{80,}$/),
    });
  });
});

describe("edits and mentions", () => {
  /*
   * Mentions are computed by the server from what was typed (the mentions
   * feature); here the stored message is handed to the notifier with its
   * mentions as that feature would fill them, so that these rules are proven
   * on their own.
   */
  it("an edit that adds a mention notifies only the newly mentioned; one that removes it withdraws", async () => {
    people += 1;
    const owner = await guest(server, `Owner${people}`);
    const bea = await guest(server, `Bea${people}`);
    const cai = await guest(server, `Cai${people}`);
    const room = `notify-edit-${people}`;
    await owner.must("room:create", { room, visibility: "public" });
    for (const person of [bea, cai, owner]) await person.must("room:join", { room });
    const stored = await send(owner, room, "hello @bea");
    const notifier = server.app.notifier;
    notifier.messageStored({ ...stored, mentions: [bea.user.id] });
    await notifier.idle();
    await eventually(() => expect(bea.heard("notification")).toHaveLength(1));

    notifier.messageChanged({
      ...stored,
      text: "hello @bea @cai",
      mentions: [bea.user.id, cai.user.id],
    });
    await notifier.idle();
    await eventually(() =>
      expect(cai.heard("notification")).toEqual([
        expect.objectContaining({ messageId: stored.id, reason: "mention" }),
      ]),
    );
    await settle(bea.socket);
    expect(bea.heard("notification")).toHaveLength(1);

    notifier.messageChanged({ ...stored, text: "hello @cai", mentions: [cai.user.id] });
    await notifier.idle();
    await eventually(() =>
      expect(bea.heard("notification:withdrawn")).toEqual([
        { room, messageId: stored.id, tag: `msg:${stored.id}` },
      ]),
    );
    await settle(cai.socket);
    expect(cai.heard("notification:withdrawn")).toEqual([]);
    expect(cai.heard("notification")).toHaveLength(1);
  });
});

describe("mentions typed by people", () => {
  it("@name and @room notify through the send and edit paths, once per person", async () => {
    people += 1;
    const owner = await guest(server, `Owner${people}`);
    const bea = await guest(server, `Bea${people}`);
    const cai = await guest(server, `Cai${people}`);
    const room = `notify-typed-${people}`;
    await owner.must("room:create", { room, visibility: "public" });
    for (const person of [bea, cai, owner]) await person.must("room:join", { room });

    const hello = await send(owner, room, `hello @${bea.user.name}`);
    await eventually(() =>
      expect(bea.heard("notification")).toEqual([
        expect.objectContaining({ messageId: hello.id, reason: "mention" }),
      ]),
    );
    await owner.must("message:edit", {
      room,
      id: hello.id,
      text: `hello @${bea.user.name} and @${cai.user.name}`,
    });
    await eventually(() =>
      expect(cai.heard("notification")).toEqual([
        expect.objectContaining({ messageId: hello.id, reason: "mention" }),
      ]),
    );
    await owner.must("message:edit", { room, id: hello.id, text: `hello @${cai.user.name}` });
    await eventually(() =>
      expect(bea.heard("notification:withdrawn")).toEqual([
        expect.objectContaining({ messageId: hello.id }),
      ]),
    );
    await server.app.notifier.idle();
    await settle(bea.socket);
    expect(bea.heard("notification")).toHaveLength(1);

    const everyone = await send(owner, room, "@room meeting in five");
    await eventually(() => {
      for (const person of [bea, cai])
        expect(person.heard("notification")).toContainEqual(
          expect.objectContaining({ messageId: everyone.id, reason: "room" }),
        );
    });
    expect(owner.heard("notification")).toEqual([]);
  });
});
