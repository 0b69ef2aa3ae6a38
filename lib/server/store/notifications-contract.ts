import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { User } from "../../shared/protocol";
import type { StoreUnderTest } from "./store-contract";
import type { ChatStore, NotificationClaim } from "./types";

/**
 * Notifications as every engine must keep them: levels per person and room
 * that survive a reopen, push subscriptions owned by the last person to
 * subscribe an endpoint, and claims that admit each (person, message) once —
 * also when two connections (instances) claim at the same moment.
 */
export function describeNotificationsContract(
  engine: string,
  openFresh: () => Promise<StoreUnderTest>,
): void {
  describe(`ChatStore notifications: ${engine}`, () => {
    let subject: StoreUnderTest;
    let store: ChatStore;
    beforeEach(async () => {
      subject = await openFresh();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.destroy();
    });

    const ana: User = { id: "user-ana", name: "Ana" };
    const subscription = (endpoint: string, userId = "user-bea", previews = false) => ({
      endpoint,
      userId,
      p256dh: "B".repeat(87),
      auth: "A".repeat(22),
      previews,
    });
    const claim = (userId: string, messageId: string, seq = 1): NotificationClaim => ({
      userId,
      messageId,
      room: "lobby",
      seq,
      reason: "mention",
    });

    it("keeps a level per person and room, replaced when set again, and across a reopen", async () => {
      expect(await store.notifications.levels("user-bea")).toEqual({});
      await store.notifications.setLevel("user-bea", "lobby", "all");
      await store.notifications.setLevel("user-bea", "random", "nothing");
      await store.notifications.setLevel("user-cai", "lobby", "nothing");
      await store.notifications.setLevel("user-bea", "lobby", "mentions");
      const reopened = await subject.reopen();
      expect(await reopened.notifications.levels("user-bea")).toEqual({
        lobby: "mentions",
        random: "nothing",
      });
      expect([...(await reopened.notifications.roomLevels("lobby"))].sort()).toEqual([
        ["user-bea", "mentions"],
        ["user-cai", "nothing"],
      ]);
    });

    it("keeps subscriptions per endpoint: the last person to subscribe one holds it", async () => {
      await store.notifications.subscribe(subscription("https://push.example/1", "user-bea", true));
      await store.notifications.subscribe(subscription("https://push.example/2", "user-bea"));
      await store.notifications.subscribe(subscription("https://push.example/2", "user-cai"));
      const bea = await store.notifications.subscriptions(["user-bea"]);
      expect(bea.map((s) => [s.endpoint, s.previews])).toEqual([["https://push.example/1", true]]);
      expect(bea[0]?.lastSuccessAt).toBeNull();
      const both = await store.notifications.subscriptions(["user-bea", "user-cai"]);
      expect(both.map((s) => s.endpoint).sort()).toEqual([
        "https://push.example/1",
        "https://push.example/2",
      ]);
      // Someone else's endpoint is not theirs to unsubscribe.
      expect(await store.notifications.unsubscribe("user-bea", "https://push.example/2")).toBe(
        false,
      );
      expect(await store.notifications.unsubscribe("user-cai", "https://push.example/2")).toBe(
        true,
      );
      const at = new Date("2026-01-02T03:04:05.000Z");
      await store.notifications.pushSucceeded("https://push.example/1", at);
      expect((await store.notifications.subscriptions(["user-bea"]))[0]?.lastSuccessAt).toEqual(at);
      await store.notifications.removeSubscription("https://push.example/1");
      expect(await store.notifications.subscriptions(["user-bea", "user-cai"])).toEqual([]);
    });

    it("admits a claim once, even when two connections claim at once", async () => {
      const first = await store.notifications.claim([
        claim("user-bea", "m1"),
        claim("user-cai", "m1"),
      ]);
      expect(first.map((c) => c.userId)).toEqual(["user-bea", "user-cai"]);
      const other = await subject.reopen();
      const [a, b] = await Promise.all([
        store.notifications.claim([claim("user-bea", "m1"), claim("user-dan", "m1")]),
        other.notifications.claim([claim("user-dan", "m1"), claim("user-eve", "m1")]),
      ]);
      const made = [...a, ...b].map((c) => c.userId).sort();
      expect(made).toEqual(["user-dan", "user-eve"]);
      expect((await store.notifications.claimsOf("m1")).map((c) => c.userId)).toEqual([
        "user-bea",
        "user-cai",
        "user-dan",
        "user-eve",
      ]);
    });

    it("marks a claim pushed once, and withdraws claims saying whether each was pushed", async () => {
      await store.notifications.claim([claim("user-bea", "m1"), claim("user-cai", "m1")]);
      const marked = await store.notifications.markPushed([
        { userId: "user-bea", messageId: "m1" },
      ]);
      expect(marked).toEqual([claim("user-bea", "m1")]);
      expect(
        await store.notifications.markPushed([{ userId: "user-bea", messageId: "m1" }]),
      ).toEqual([]);
      const gone = await store.notifications.withdraw("m1", ["user-cai"]);
      expect(gone).toEqual([{ ...claim("user-cai", "m1"), pushed: false }]);
      const rest = await store.notifications.withdraw("m1");
      expect(rest).toEqual([{ ...claim("user-bea", "m1"), pushed: true }]);
      expect(await store.notifications.claimsOf("m1")).toEqual([]);
      // Withdrawn, the message may be claimed again (an edit that brings the mention back).
      expect(await store.notifications.claim([claim("user-cai", "m1")])).toHaveLength(1);
    });

    it("forgets a deleted room's levels and claims, so a new room of its name starts afresh", async () => {
      await store.rooms.create({ name: "gone", visibility: "public", topic: "", owner: ana });
      await store.notifications.setLevel("user-bea", "gone", "all");
      await store.notifications.claim([{ ...claim("user-bea", "m9"), room: "gone" }]);
      expect(await store.rooms.remove("gone")).toBe(true);
      expect(await store.notifications.levels("user-bea")).toEqual({});
      expect(await store.notifications.claimsOf("m9")).toEqual([]);
    });

    it("reads how far people have read a room", async () => {
      for (let i = 0; i < 3; i++)
        await store.messages.append({ room: "lobby", clientId: `c${i}`, author: ana, text: "hi" });
      await store.reads.mark("user-bea", "lobby", 2);
      const seqs = await store.notifications.readSeqs("lobby", ["user-bea", "user-cai"]);
      expect([...seqs]).toEqual([["user-bea", 2]]);
    });
  });
}
