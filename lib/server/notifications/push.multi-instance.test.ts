import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage } from "../../shared/protocol";
import { type ChatTestServer, eventually, rawEmit, settle } from "../testing/chat-test-server";
import { PushReceiver, type TestSubscription } from "../testing/push-receiver";
import { guest, type RoomPerson } from "../testing/room-people";
import { redisDeployment, type TestDeployment } from "../testing/test-deployments";
import { TEST_PUSH_DELAY_MS, testNotifications } from "./push-testing";

/*
 * Two instances on one Postgres, fanning out through one Redis: the
 * instance that stores a message decides its pushes, reading the
 * visibility of connections held by the other instance, and the store's
 * claims keep it one notification per person and message whichever
 * instance asks.
 */

let deployment: TestDeployment;
let a: ChatTestServer;
let b: ChatTestServer;
let receiver: PushReceiver;
let people = 0;
let sent = 0;

beforeAll(async () => {
  receiver = await PushReceiver.start();
  deployment = await redisDeployment({ notifications: testNotifications() });
  a = deployment.servers[0] as ChatTestServer;
  b = deployment.servers[1] as ChatTestServer;
}, 60_000);
afterAll(async () => {
  await deployment?.dispose();
  await receiver?.close();
});

async function pastTheDelay(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, TEST_PUSH_DELAY_MS * 4));
  await Promise.all([a.app.notifier.idle(), b.app.notifier.idle()]);
}

/** Bea on A (subscribed), Ana on B, in their direct room. */
async function pair(): Promise<{
  ana: RoomPerson;
  bea: RoomPerson;
  room: string;
  push: TestSubscription;
}> {
  people += 1;
  const bea = await guest(a, `Bea${people}`);
  const ana = await guest(b, `Ana${people}`);
  const push = receiver.subscription();
  await bea.must("push:subscribe", { endpoint: push.endpoint, keys: push.keys });
  const { room } = await ana.must("dm:open", { userId: bea.user.id });
  await ana.must("room:join", { room: room.name });
  return { ana, bea, room: room.name, push };
}

async function send(from: RoomPerson, room: string, text: string): Promise<ChatMessage> {
  sent += 1;
  return (await from.must("message:send", { room, text, clientId: `multi-${sent}` })).message;
}

describe("Web Push across two instances on Postgres and Redis", () => {
  it("sends one push per person and message, and a second instance's try adds nothing", async () => {
    const { ana, bea, room, push } = await pair();
    bea.socket.disconnect();
    const message = await send(ana, room, "from the other instance");
    await eventually(() => expect(receiver.to(push.path)).toHaveLength(1));
    // The other instance told of the same message (a retry, a replay) claims nothing new.
    a.app.notifier.messageStored(message);
    await pastTheDelay();
    expect(receiver.to(push.path)).toEqual([
      expect.objectContaining({ messageId: message.id, count: 1 }),
    ]);
  });

  it("reads visibility from the instance holding the connection", async () => {
    const { ana, bea, room, push } = await pair();
    const seen = await send(ana, room, "you are looking");
    await eventually(() =>
      expect(bea.heard("notification")).toContainEqual(
        expect.objectContaining({ messageId: seen.id }),
      ),
    );
    await pastTheDelay();
    expect(receiver.to(push.path)).toEqual([]);

    rawEmit(bea.socket, "notifications:visibility", { visible: false });
    await settle(bea.socket);
    const hidden = await send(ana, room, "you looked away");
    await eventually(() =>
      expect(receiver.to(push.path)).toEqual([expect.objectContaining({ messageId: hidden.id })]),
    );
  });
});
