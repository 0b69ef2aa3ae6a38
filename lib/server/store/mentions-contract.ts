import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatMessage, User } from "../../shared/protocol";
import type { MessageMentions } from "./mention-rows";
import type { StoreUnderTest } from "./store-contract";
import type { ChatStore } from "./types";

/**
 * Mentions as every engine must keep them (migration 11): whom a message
 * names is stored beside its text in the same write, carried on every read
 * of it, replaced by an edit and gone with a delete; each person's mentions
 * are listed newest first across rooms and counted per room; members are
 * found by name without listing the room.
 */
export function describeMentionsContract(
  engine: string,
  openFresh: () => Promise<StoreUnderTest>,
): void {
  describe(`ChatStore mentions: ${engine}`, () => {
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
    const bea: User = { id: "user-bea", name: "Bea Ng" };
    const cai: User = { id: "user-cai", name: "Cai" };
    let clientIds = 0;
    const names = (userIds: string[], all: MessageMentions["all"] = null): MessageMentions => ({
      userIds,
      all,
    });

    async function send(
      room: string,
      text: string,
      mentions?: MessageMentions,
      author = ana,
    ): Promise<ChatMessage> {
      clientIds += 1;
      const { message } = await store.messages.append({
        room,
        clientId: `c${clientIds}`,
        author,
        text,
        ...(mentions ? { mentions } : {}),
      });
      return message;
    }
    const ids = (page: { messages: ChatMessage[] }) => page.messages.map((m) => m.text);

    it("keeps whom a message names beside it, on every read", async () => {
      const plain = await send("general", "hello");
      const named = await send("general", "@Bea Ng @here", names([bea.id], "here"));
      expect(plain).not.toHaveProperty("mentions");
      expect(plain).not.toHaveProperty("mentionsAll");
      expect(named).toMatchObject({ mentions: [bea.id], mentionsAll: "here" });
      const latest = await store.messages.latest("general", 10);
      expect(latest.messages.at(-1)).toMatchObject({ mentions: [bea.id], mentionsAll: "here" });
      expect(latest.messages[0]).not.toHaveProperty("mentions");
      expect((await store.messages.after("general", 1, 10)).messages[0]?.mentions).toEqual([
        bea.id,
      ]);
      expect((await store.messages.before("general", 3, 10)).messages[1]?.mentions).toEqual([
        bea.id,
      ]);
      const changes = await store.messages.changesAfter("general", 0, 10);
      expect(changes.messages.at(-1)?.mentions).toEqual([bea.id]);
    });

    // Message ids are time-ordered to the millisecond: newest first is to the millisecond.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

    it("lists a person's mentions newest first across rooms, paged by message id", async () => {
      await send("general", "one @Bea", names([bea.id]));
      await send("general", "not her");
      await tick();
      await send("random", "two @Bea", names([bea.id, cai.id]));
      await tick();
      await send("general", "three @Bea", names([bea.id]));
      const first = await store.messages.mentionsOf(bea.id, undefined, 2);
      expect(ids(first)).toEqual(["three @Bea", "two @Bea"]);
      expect(first.hasMore).toBe(true);
      const next = await store.messages.mentionsOf(bea.id, first.messages.at(-1)?.id, 2);
      expect(ids(next)).toEqual(["one @Bea"]);
      expect(next.hasMore).toBe(false);
      expect(ids(await store.messages.mentionsOf(cai.id, undefined, 10))).toEqual(["two @Bea"]);
      expect(ids(await store.messages.mentionsOf(ana.id, undefined, 10))).toEqual([]);
    });

    it("gives the seqs of a person's newest mentions per room, bounded", async () => {
      await send("general", "@Bea 1", names([bea.id]));
      await send("general", "x");
      await send("general", "@Bea 3", names([bea.id]));
      await send("general", "@Bea 4", names([bea.id]));
      await send("random", "@Bea", names([bea.id]));
      expect(await store.messages.mentionSeqs(bea.id, ["general", "random", "empty"], 2)).toEqual({
        general: [4, 3],
        random: [1],
      });
      expect(await store.messages.mentionSeqs(bea.id, [], 2)).toEqual({});
    });

    it("replaces the mentions on an edit, and drops them with a delete", async () => {
      const message = await send("general", "@Bea", names([bea.id]));
      const edited = await store.messages.change({
        room: "general",
        id: message.id,
        actor: ana,
        change: { kind: "edit", text: "@Cai", mentions: names([cai.id]) },
      });
      expect(edited.message.mentions).toEqual([cai.id]);
      expect(ids(await store.messages.mentionsOf(bea.id, undefined, 10))).toEqual([]);
      expect(ids(await store.messages.mentionsOf(cai.id, undefined, 10))).toEqual(["@Cai"]);
      expect(await store.messages.mentionSeqs(bea.id, ["general"], 5)).toEqual({});

      const reacted = await store.messages.change({
        room: "general",
        id: message.id,
        actor: bea,
        change: { kind: "reaction", emoji: "👍", added: true },
      });
      expect(reacted.message.mentions).toEqual([cai.id]);

      const cleared = await store.messages.change({
        room: "general",
        id: message.id,
        actor: ana,
        change: { kind: "edit", text: "nobody" },
      });
      expect(cleared.message).not.toHaveProperty("mentions");
      expect(ids(await store.messages.mentionsOf(cai.id, undefined, 10))).toEqual([]);

      await store.messages.change({
        room: "general",
        id: message.id,
        actor: ana,
        change: { kind: "edit", text: "@Cai @room", mentions: names([cai.id], "room") },
      });
      const deleted = await store.messages.change({
        room: "general",
        id: message.id,
        actor: ana,
        change: { kind: "delete" },
      });
      expect(deleted.message).not.toHaveProperty("mentions");
      expect(deleted.message).not.toHaveProperty("mentionsAll");
      expect(ids(await store.messages.mentionsOf(cai.id, undefined, 10))).toEqual([]);
    });

    it("finds a room's current members by the start of their name, case-insensitively", async () => {
      await store.rooms.create({ name: "club", visibility: "private", topic: "", owner: ana });
      await store.members.change({ room: "club", user: bea, kind: "joined", by: null });
      await store.members.change({
        room: "club",
        user: { id: "user-bee", name: "Beatrix" },
        kind: "joined",
        by: null,
      });
      await store.members.change({ room: "club", user: cai, kind: "joined", by: null });
      await store.members.change({ room: "club", user: cai, kind: "left", by: null });
      // Someone named alike who is not in the room.
      await store.users.rename("user-ben", "Ben");
      expect((await store.members.findByName("club", "be", 10)).map((u) => u.name)).toEqual([
        "Bea Ng",
        "Beatrix",
      ]);
      expect(await store.members.findByName("club", "BEA N", 10)).toEqual([bea]);
      expect(await store.members.findByName("club", "be", 1)).toHaveLength(1);
      expect(await store.members.findByName("club", "cai", 10)).toEqual([]);
      expect(await store.members.findByName("club", "%", 10)).toEqual([]);
    });

    it("forgets a room's mentions with the room", async () => {
      await store.rooms.create({ name: "gone", visibility: "public", topic: "", owner: ana });
      await send("gone", "@Bea", names([bea.id]));
      await send("general", "@Bea here", names([bea.id]));
      await store.rooms.remove("gone");
      expect(ids(await store.messages.mentionsOf(bea.id, undefined, 10))).toEqual(["@Bea here"]);
    });

    it("imports mentions with a copied history and rebuilds the index from them", async () => {
      const source = await send("general", "@Bea", names([bea.id], "room"));
      await store.rooms.remove("general");
      const copied: ChatMessage = { ...source, room: "copied" };
      await store.messages.importHistory([{ messages: [copied] }]);
      // Twice: a rerun of the copy skips what is there.
      await store.messages.importHistory([{ messages: [copied] }]);
      const page = await store.messages.mentionsOf(bea.id, undefined, 10);
      expect(page.messages).toEqual([
        expect.objectContaining({ room: "copied", mentions: [bea.id], mentionsAll: "room" }),
      ]);
      expect(await store.messages.mentionSeqs(bea.id, ["copied"], 3)).toEqual({ copied: [1] });
    });
  });
}
