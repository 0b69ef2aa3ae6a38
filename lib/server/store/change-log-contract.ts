import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_PAGE_BYTES, MAX_REACTIONS_PER_MESSAGE } from "../../shared/limits";
import type { ChatMessage, User } from "../../shared/protocol";
import type { StoreUnderTest } from "./store-contract";
import type { ChangeRequest, ChatStore, MessageChange } from "./types";

/**
 * The change log every engine must keep (see MessageStore): revs 1, 2, 3, …
 * per room, one per change, taken with the change; the rules of who may
 * change what; changes that change nothing taking no rev; `changesAfter`
 * replaying each changed message once, in its current state.
 */
export function describeChangeLogContract(
  engine: string,
  openFresh: () => Promise<StoreUnderTest>,
): void {
  describe(`ChatStore change log: ${engine}`, () => {
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
    const bea: User = { id: "user-bea", name: "Bea" };
    let clientIds = 0;

    async function send(room: string, text = "hello", author = ana, replyTo?: string) {
      clientIds += 1;
      const { message } = await store.messages.append({
        room,
        clientId: `c${clientIds}`,
        author,
        text,
        ...(replyTo === undefined ? {} : { replyTo }),
      });
      return message;
    }
    const change = (message: ChatMessage, actor: User, what: MessageChange) =>
      store.messages.change({ room: message.room, id: message.id, actor, change: what });
    const edit = (message: ChatMessage, text: string, actor = ana) =>
      change(message, actor, { kind: "edit", text });
    const remove = (message: ChatMessage, actor = ana) =>
      change(message, actor, { kind: "delete" });
    const react = (message: ChatMessage, emoji: string, actor: User, added = true) =>
      change(message, actor, { kind: "reaction", emoji, added });

    /** Every change of the room from the start, page after page. */
    async function replay(room: string, limit = 200): Promise<ChatMessage[]> {
      const all: ChatMessage[] = [];
      let after = 0;
      for (;;) {
        const page = await store.messages.changesAfter(room, after, limit);
        all.push(...page.messages);
        if (!page.hasMore) return all;
        after = page.messages.at(-1)?.rev ?? after;
      }
    }
    const current = async (message: ChatMessage) =>
      (await store.messages.after(message.room, message.seq - 1, 1)).messages[0];

    describe("messages: revs", () => {
      it("gives each new message the room's next rev, per room, and latestRev follows", async () => {
        const first = await send("general");
        const second = await send("general");
        const elsewhere = await send("random");
        expect([first.rev, second.rev, elsewhere.rev]).toEqual([1, 2, 1]);
        expect(await store.rooms.latestRev("general")).toBe(2);
        expect(await store.rooms.latestRev("nowhere")).toBe(0);
      });

      it("gives every change the next rev, and the message carries the rev of its latest change", async () => {
        const first = await send("general");
        await send("general");
        const edited = await edit(first, "hello, edited");
        const reacted = await react(first, "👍", bea);
        expect([edited.message.rev, reacted.message.rev]).toEqual([3, 4]);
        expect(await store.rooms.latestRev("general")).toBe(4);
        expect(await store.rooms.latestSeq("general")).toBe(2);
        expect((await current(first))?.rev).toBe(4);
      });

      it("stays gap-free and gives every change its own rev when many race, on several messages", async () => {
        const messages = await Promise.all(
          Array.from({ length: 6 }, (_, i) => send("race", `m${i}`, i % 2 ? bea : ana)),
        );
        const people: User[] = Array.from({ length: 5 }, (_, i) => ({
          id: `p${i}`,
          name: `P${i}`,
        }));
        const changes = messages.flatMap((message, i) => [
          edit(message, `edited ${i}`, message.author),
          ...people.map((person) => react(message, "🎉", person)),
          react(message, "👍", ana),
          send("race", `more ${i}`),
        ]);
        const results = await Promise.all(changes);
        const revs = results.map((r) => ("message" in r ? r.message.rev : r.rev));
        expect(new Set(revs).size).toBe(revs.length);
        const latest = await store.rooms.latestRev("race");
        expect(latest).toBe(messages.length + results.length);
        expect(revs.toSorted((a, b) => a - b)).toEqual(
          Array.from({ length: results.length }, (_, i) => messages.length + 1 + i),
        );
        const replayed = await replay("race", 7);
        const replayedRevs = replayed.map((m) => m.rev);
        expect(replayedRevs).toEqual(replayedRevs.toSorted((a, b) => a - b));
        expect(new Set(replayed.map((m) => m.id)).size).toBe(replayed.length);
        expect(replayed.length).toBe(messages.length * 2);
        for (const message of replayed.filter((m) => !m.text.startsWith("more")))
          expect(message.reactions).toEqual([
            { emoji: "🎉", count: people.length },
            { emoji: "👍", count: 1 },
          ]);
      });
    });

    describe("messages: first writes at once", () => {
      it("takes a new person's first message and first reaction together, for many people at once", async () => {
        const target = await send("crowd");
        const people: User[] = Array.from({ length: 16 }, (_, i) => ({
          id: `n${i}`,
          name: `N${i}`,
        }));
        const results = await Promise.all(
          people.flatMap((person) => [
            send("crowd", "hi", person),
            react(target, "👋", person),
            store.members.change({ room: "crowd", user: person, kind: "joined", by: null }),
          ]),
        );
        expect(results).toHaveLength(people.length * 3);
        expect(await store.rooms.latestRev("crowd")).toBe(1 + people.length * 3);
        for (const person of people) expect(await store.users.find(person.id)).toEqual(person);
      });
    });

    describe("messages.change: edits", () => {
      it("changes the text for its author, stamping editedAt, and keeps seq, id and author", async () => {
        const message = await send("general", "helo");
        const result = await edit(message, "hello");
        expect(result.changed).toBe(true);
        expect(result.message).toEqual({
          ...message,
          text: "hello",
          rev: 2,
          editedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        });
        expect(await current(message)).toEqual(result.message);
      });

      it("refuses someone else's edit as forbidden, and an unknown or other room's id as not found, storing nothing", async () => {
        const message = await send("general");
        await expect(edit(message, "mine now", bea)).rejects.toMatchObject({ code: "forbidden" });
        await expect(
          store.messages.change({
            room: "random",
            id: message.id,
            actor: ana,
            change: { kind: "edit", text: "x" },
          }),
        ).rejects.toMatchObject({ code: "not_found" });
        await expect(
          store.messages.change({
            room: "general",
            id: "00000000-0000-0000-0000-000000000000",
            actor: ana,
            change: { kind: "delete" },
          }),
        ).rejects.toMatchObject({ code: "not_found" });
        expect(await current(message)).toEqual(message);
        expect(await store.rooms.latestRev("general")).toBe(1);
      });

      it("succeeds without a rev when the text is the same", async () => {
        const message = await send("general", "same");
        const result = await edit(message, "same");
        expect(result).toEqual({ message, changed: false, mine: [] });
        expect(await store.rooms.latestRev("general")).toBe(1);
      });
    });

    describe("messages.change: deletes", () => {
      it("leaves a tombstone with its seq, no text and no reactions", async () => {
        const message = await send("general", "regrettable");
        await send("general");
        await react(message, "👍", bea);
        const result = await remove(message);
        expect(result.message).toMatchObject({
          id: message.id,
          seq: message.seq,
          text: "",
          deleted: true,
          reactions: [],
          rev: 4,
        });
        const page = await store.messages.latest("general", 10);
        expect(page.messages.map((m) => [m.seq, m.deleted, m.text])).toEqual([
          [1, true, ""],
          [2, false, "hello"],
        ]);
        expect(await store.messages.reactionUsers("general", message.id, "👍", 10)).toEqual({
          users: [],
          count: 0,
        });
      });

      it("is the author's only; deleting again is unchanged; a deleted message cannot be edited or reacted to", async () => {
        const message = await send("general");
        await expect(remove(message, bea)).rejects.toMatchObject({ code: "forbidden" });
        await remove(message);
        const again = await remove(message);
        expect(again.changed).toBe(false);
        await expect(edit(message, "back")).rejects.toMatchObject({ code: "not_found" });
        await expect(react(message, "👍", bea)).rejects.toMatchObject({ code: "not_found" });
        expect(await store.rooms.latestRev("general")).toBe(2);
      });
    });

    describe("messages.change: reactions", () => {
      it("counts each person once per emoji, in first-reacted order, and tells the actor their own", async () => {
        const message = await send("general");
        await react(message, "👍", ana);
        await react(message, "🎉", bea);
        const bea2 = await react(message, "👍", bea);
        expect(bea2.message.reactions).toEqual([
          { emoji: "👍", count: 2 },
          { emoji: "🎉", count: 1 },
        ]);
        expect(bea2.mine).toEqual(["🎉", "👍"]);
        const repeat = await react(message, "👍", bea);
        expect(repeat.changed).toBe(false);
        expect(repeat.message.rev).toBe(bea2.message.rev);
        const removed = await react(message, "👍", ana, false);
        expect(removed.message.reactions).toEqual([
          { emoji: "👍", count: 1 },
          { emoji: "🎉", count: 1 },
        ]);
        expect(removed.mine).toEqual([]);
        const absent = await react(message, "👍", ana, false);
        expect(absent.changed).toBe(false);
        expect(await store.rooms.latestRev("general")).toBe(5);
      });

      it(`refuses a distinct emoji beyond ${MAX_REACTIONS_PER_MESSAGE}, but not joining one already there`, async () => {
        const message = await send("general");
        for (let i = 0; i < MAX_REACTIONS_PER_MESSAGE; i++)
          await react(message, String.fromCodePoint(0x1f600 + i), ana);
        await expect(react(message, "👍", bea)).rejects.toMatchObject({ code: "reaction_limit" });
        const joined = await react(message, "😀", bea);
        expect(joined.message.reactions).toHaveLength(MAX_REACTIONS_PER_MESSAGE);
        expect(await store.rooms.latestRev("general")).toBe(MAX_REACTIONS_PER_MESSAGE + 2);
      });

      it("lists who reacted, by their current names, in reaction order, at most `limit` with the total", async () => {
        const message = await send("general");
        const people = Array.from({ length: 4 }, (_, i) => ({ id: `p${i}`, name: `Person ${i}` }));
        for (const person of people) await react(message, "👍", person);
        await store.users.rename("p0", "Renamed");
        expect(await store.messages.reactionUsers("general", message.id, "👍", 3)).toEqual({
          users: [
            { id: "p0", name: "Renamed" },
            { id: "p1", name: "Person 1" },
            { id: "p2", name: "Person 2" },
          ],
          count: 4,
        });
        expect(await store.messages.reactionUsers("general", message.id, "🎉", 3)).toEqual({
          users: [],
          count: 0,
        });
        await expect(
          store.messages.reactionUsers("random", message.id, "👍", 3),
        ).rejects.toMatchObject({
          code: "not_found",
        });
      });

      it("finds a reader's own reactions on a page of messages", async () => {
        const [a, b, c] = [await send("general"), await send("general"), await send("general")];
        await react(a, "👍", bea);
        await react(c, "🎉", bea);
        await react(c, "👍", bea);
        await react(b, "👍", ana);
        const page = await store.messages.latest("general", 10);
        const own = await store.messages.ownReactions("general", bea.id, page.messages);
        expect(Object.fromEntries(own)).toEqual({ [a.id]: ["👍"], [c.id]: ["🎉", "👍"] });
      });
    });

    describe("messages.append: replies", () => {
      it("stores what a message answers as its id and seq", async () => {
        const question = await send("general", "why?");
        const answer = await send("general", "because", bea, question.id);
        expect(answer.replyTo).toEqual({ id: question.id, seq: question.seq });
        expect(await current(answer)).toEqual(answer);
      });

      it("refuses an answer to a message of another room or none, storing nothing", async () => {
        const elsewhere = await send("random");
        await expect(send("general", "hm", ana, elsewhere.id)).rejects.toMatchObject({
          code: "not_found",
        });
        expect(await store.rooms.latestSeq("general")).toBe(0);
        expect(await store.rooms.latestRev("general")).toBe(0);
      });
    });

    describe("messages.changesAfter", () => {
      it("replays each changed message once, in its current state, ascending by rev", async () => {
        const a = await send("general", "a");
        const b = await send("general", "b");
        const c = await send("general", "c");
        await edit(a, "a2");
        await react(b, "👍", bea);
        await edit(a, "a3");
        const page = await store.messages.changesAfter("general", 1, 50);
        expect(page.messages.map((m) => [m.text, m.rev])).toEqual([
          ["c", 3],
          ["b", 5],
          ["a3", 6],
        ]);
        expect(page).toMatchObject({ hasMore: false, latestRev: 6 });
        expect(await store.messages.changesAfter("general", 6, 50)).toEqual({
          messages: [],
          members: [],
          hasMore: false,
          latestRev: 6,
        });
        expect((await store.messages.changesAfter("nowhere", 0, 50)).latestRev).toBe(0);
        expect(c.rev).toBe(3);
      });

      it("pages by rev and by bytes, missing nothing", async () => {
        const long = "x".repeat(4_000);
        const sent: ChatMessage[] = [];
        for (let i = 0; i < 70; i++) sent.push(await send("general", `${i} ${long}`));
        for (const message of sent.slice(0, 10)) await edit(message, `edited ${message.seq}`);
        const firstPage = await store.messages.changesAfter("general", 0, 200);
        expect(firstPage.hasMore).toBe(true);
        expect(firstPage.messages.length).toBeLessThan(70);
        expect(firstPage.messages.length * 4_000).toBeLessThanOrEqual(MAX_PAGE_BYTES);
        const replayed = await replay("general", 7);
        expect(replayed.map((m) => m.seq).toSorted((x, y) => x - y)).toEqual(
          sent.map((m) => m.seq),
        );
        expect(replayed.map((m) => m.rev)).toEqual(Array.from({ length: 70 }, (_, i) => 11 + i));
      });
    });

    describe("messages.importHistory", () => {
      it("takes a history as it is — revs, edits, tombstones, replies, reactions — and the counters continue", async () => {
        const a = await send("general", "a");
        await send("general", "b", bea, a.id);
        await edit(a, "a2");
        await react(a, "👍", bea);
        const doomed = await send("general", "gone");
        await remove(doomed);
        const history = await replay("general");
        const reactors = [{ room: "general", seq: a.seq, emoji: "👍", userId: bea.id, rev: 4 }];
        await store.close();
        store = await subject.reopen();
        const target = await openFresh();
        try {
          const batches = [{ users: [ana, bea] }, { messages: history, reactions: reactors }];
          expect(await target.store.messages.importHistory(batches)).toEqual({ messages: 3 });
          // Again: nothing changes.
          await target.store.messages.importHistory(batches);
          const copied = await target.store.messages.changesAfter("general", 0, 50);
          expect(copied).toEqual({ messages: history, members: [], hasMore: false, latestRev: 6 });
          expect(await target.store.rooms.latestSeq("general")).toBe(3);
          expect(await target.store.messages.reactionUsers("general", a.id, "👍", 5)).toEqual({
            users: [bea],
            count: 1,
          });
          const next = await target.store.messages.change({
            room: "general",
            id: a.id,
            actor: bea,
            change: { kind: "reaction", emoji: "👍", added: false },
          });
          expect(next.message).toMatchObject({ rev: 7, reactions: [] });
          const other = {
            ...history[0],
            id: "ffffffff-0000-7000-8000-000000000000",
          } as ChatMessage;
          await expect(
            target.store.messages.importHistory([{ messages: [other] }]),
          ).rejects.toThrow(/other messages/);
        } finally {
          await target.destroy();
        }
      });
    });

    describe("store: durability of changes", () => {
      it("keeps revs, edits, deletes, replies and reactions across a reopen, and revs continue", async () => {
        const a = await send("general", "a");
        await send("general", "b", bea, a.id);
        await edit(a, "a2");
        await react(a, "👍", bea);
        const before = await replay("general");
        await store.close();
        store = await subject.reopen();
        expect(await replay("general")).toEqual(before);
        const next = await send("general", "c");
        expect(next.rev).toBe(5);
      });
    });

    // Typed so that a change to ChangeRequest shows up here too.
    const _typed: ChangeRequest = { room: "r", id: "i", actor: ana, change: { kind: "delete" } };
    void _typed;
  });
}
