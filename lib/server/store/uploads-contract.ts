import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_PAGE_BYTES } from "../../shared/limits";
import type { ChatMessage, User } from "../../shared/protocol";
import { parseSearchQuery } from "../../shared/search-query";
import { pageBytes } from "./page-bytes";
import type { StoreUnderTest } from "./store-contract";
import { ChangeRefusedError, type ChatStore, type NewUpload } from "./types";

/**
 * Uploads as every engine must keep them (migration 13): a send attaches its
 * author's unattached uploads in its own transaction, in the order named, or
 * is refused with nothing written; the message carries them on every read; a
 * delete releases them and drops them from the message; the sweeper's
 * questions (releasable, forget, contentKeys) and the quotas' (usage) answer
 * from the rows alone.
 */
export function describeUploadsContract(
  engine: string,
  openFresh: () => Promise<StoreUnderTest>,
): void {
  describe(`ChatStore uploads: ${engine}`, () => {
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
    const HOUR = 60 * 60 * 1000;
    let made = 0;
    let clientIds = 0;

    /** A finished upload's record; ids are hex like the server's UUIDs. */
    function upload(more: Partial<NewUpload> = {}): NewUpload {
      made += 1;
      const n = made.toString(16).padStart(4, "0");
      return {
        id: `0000${n}-0000-4000-8000-000000000000`,
        uploaderId: ana.id,
        address: "203.0.113.7",
        name: `file-${n}.png`,
        size: 1000 + made,
        type: "image/png",
        contentKey: `${n}`.padEnd(64, "a"),
        width: 640,
        height: 480,
        placeholder: "3OcRJYB4d3h/iIeHeEh3eIhw+j3A",
        variants: ["thumb", "preview"],
        createdAt: new Date(),
        ...more,
      };
    }
    async function added(more: Partial<NewUpload> = {}): Promise<NewUpload> {
      const record = upload(more);
      await store.uploads.add(record);
      return record;
    }
    async function send(
      attachments: readonly string[],
      author = ana,
      text = "",
      room = "general",
    ): Promise<ChatMessage> {
      clientIds += 1;
      const { message } = await store.messages.append({
        room,
        clientId: `c${clientIds}`,
        author,
        text,
        attachments,
      });
      return message;
    }
    async function refusal(promise: Promise<unknown>): Promise<string> {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ChangeRefusedError);
      return (error as ChangeRefusedError).code;
    }

    it("keeps a finished upload's record as added, unattached", async () => {
      const record = await added({ width: null, height: null, placeholder: null, variants: [] });
      expect(await store.uploads.find(record.id)).toEqual({
        ...record,
        messageId: null,
        room: null,
        released: false,
      });
      expect(await store.uploads.find("ffff0000-0000-4000-8000-000000000000")).toBeNull();
      // An id is recorded once: a second record of it is refused, the first kept.
      await expect(store.uploads.add({ ...record, name: "other.png" })).rejects.toThrow();
      expect(await store.uploads.find(record.id)).toMatchObject({ name: record.name });
    });

    it("attaches uploads in the order named, and the message shows them", async () => {
      const picture = await added();
      const document = await added({
        name: "notes.pdf",
        type: "application/pdf",
        width: null,
        height: null,
        placeholder: null,
        variants: [],
      });
      const message = await send([document.id, picture.id], ana, "both");
      expect(message.attachments).toEqual([
        { id: document.id, name: "notes.pdf", size: document.size, type: "application/pdf" },
        {
          id: picture.id,
          name: picture.name,
          size: picture.size,
          type: "image/png",
          width: 640,
          height: 480,
          placeholder: picture.placeholder,
        },
      ]);
      // Optional fields are absent, not null or undefined keys.
      expect(Object.keys(message.attachments?.[0] ?? {}).sort()).toEqual([
        "id",
        "name",
        "size",
        "type",
      ]);
      expect(await store.uploads.find(picture.id)).toMatchObject({
        messageId: message.id,
        room: "general",
        released: false,
      });
    });

    it("stores a message with files and no text", async () => {
      const record = await added();
      const message = await send([record.id]);
      expect(message.text).toBe("");
      expect((await store.messages.latest("general", 10)).messages[0]?.attachments).toHaveLength(1);
    });

    it("leaves the key out of a message without files", async () => {
      const message = await send([], ana, "plain");
      expect(message).not.toHaveProperty("attachments");
      expect((await store.messages.latest("general", 10)).messages[0]).not.toHaveProperty(
        "attachments",
      );
    });

    it("refuses someone else's upload, an attached one, a released one and an unknown id, writing nothing", async () => {
      const beas = await added({ uploaderId: bea.id });
      const attached = await added();
      const first = await send([attached.id]);
      const released = await added();
      const gone = await send([released.id]);
      await store.messages.change({
        room: "general",
        id: gone.id,
        actor: ana,
        change: { kind: "delete" },
      });
      const fresh = await added();
      const seqBefore = await store.rooms.latestSeq("general");
      const revBefore = await store.rooms.latestRev("general");

      for (const ids of [
        [beas.id],
        [attached.id],
        [released.id],
        ["ffff0000-0000-4000-8000-000000000000"],
        // One good id does not carry a bad one.
        [fresh.id, beas.id],
        [fresh.id, fresh.id],
      ])
        expect(await refusal(send(ids, ana, "try"))).toBe("invalid_attachment");

      expect(await store.rooms.latestSeq("general")).toBe(seqBefore);
      expect(await store.rooms.latestRev("general")).toBe(revBefore);
      expect(await store.uploads.find(fresh.id)).toMatchObject({ messageId: null, room: null });
      expect(await store.uploads.find(beas.id)).toMatchObject({ messageId: null });
      expect(await store.uploads.find(attached.id)).toMatchObject({ messageId: first.id });
      // The upload refused for one send is still free for a good one.
      const good = await send([fresh.id]);
      expect(good.seq).toBe(seqBefore + 1);
    });

    it("answers a resend of a stored clientId with the stored message", async () => {
      const record = await added();
      const input = {
        room: "general",
        clientId: "resend-1",
        author: ana,
        text: "once",
        attachments: [record.id],
      };
      const first = await store.messages.append(input);
      // The upload is attached now: a new send of it would be refused, a resend is not.
      const again = await store.messages.append(input);
      expect(again.duplicate).toBe(true);
      expect(again.message).toEqual(first.message);
      expect(await store.rooms.latestSeq("general")).toBe(1);
    });

    it("lets only one of two sends racing for an upload have it", async () => {
      const record = await added();
      const results = await Promise.allSettled([
        send([record.id], ana, "one"),
        send([record.id], ana, "two"),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await store.rooms.latestSeq("general")).toBe(1);
    });

    it("releases a deleted message's uploads and drops them from the message and its change", async () => {
      const record = await added();
      const message = await send([record.id], ana, "with a file");
      const { rev } = message;
      const result = await store.messages.change({
        room: "general",
        id: message.id,
        actor: ana,
        change: { kind: "delete" },
      });
      const deleted = result.message;
      expect(result.releasedFiles).toBe(true);
      expect(deleted).not.toHaveProperty("attachments");
      // A message without files releases none.
      const plain = await send([], ana, "no files");
      const plainDelete = await store.messages.change({
        room: "general",
        id: plain.id,
        actor: ana,
        change: { kind: "delete" },
      });
      expect(plainDelete).not.toHaveProperty("releasedFiles");
      expect(await store.uploads.find(record.id)).toMatchObject({
        messageId: message.id,
        released: true,
      });
      const changes = await store.messages.changesAfter("general", rev, 10);
      expect(changes.messages.map((m) => m.id)).toEqual([message.id, plain.id]);
      expect(changes.messages[0]).not.toHaveProperty("attachments");
      expect((await store.messages.latest("general", 10)).messages[0]).not.toHaveProperty(
        "attachments",
      );
    });

    it("keeps attachments through edits and reactions", async () => {
      const record = await added();
      const message = await send([record.id], ana, "first");
      await store.messages.change({
        room: "general",
        id: message.id,
        actor: ana,
        change: { kind: "edit", text: "second" },
      });
      const { message: reacted } = await store.messages.change({
        room: "general",
        id: message.id,
        actor: bea,
        change: { kind: "reaction", emoji: "👍", added: true },
      });
      expect(reacted.text).toBe("second");
      expect(reacted.attachments).toEqual(message.attachments);
      expect(await store.uploads.find(record.id)).toMatchObject({ released: false });
    });

    it("carries attachments on history pages (before, after, latest), changes:after, search and mentions", async () => {
      const record = await added();
      await send([], ana, "before");
      const message = await store.messages
        .append({
          room: "general",
          clientId: "named",
          author: ana,
          text: "look at this kestrel",
          attachments: [record.id],
          mentions: { userIds: [bea.id], all: null },
        })
        .then((r) => r.message);
      await send([], ana, "after");
      const expected = message.attachments;
      expect(expected).toHaveLength(1);
      const find = (messages: ChatMessage[]) => messages.find((m) => m.id === message.id);

      expect(find((await store.messages.latest("general", 10)).messages)?.attachments).toEqual(
        expected,
      );
      expect(find((await store.messages.before("general", 3, 10)).messages)?.attachments).toEqual(
        expected,
      );
      expect(find((await store.messages.after("general", 0, 10)).messages)?.attachments).toEqual(
        expected,
      );
      // history:around is a page before and a page after the seq (messages/history-around.ts).
      expect(
        find((await store.messages.after("general", message.seq - 1, 1)).messages)?.attachments,
      ).toEqual(expected);
      expect(
        find((await store.messages.changesAfter("general", 0, 10)).messages)?.attachments,
      ).toEqual(expected);
      expect(
        find((await store.messages.mentionsOf(bea.id, undefined, 10)).messages)?.attachments,
      ).toEqual(expected);
      const { hits } = await store.messages.search({
        query: parseSearchQuery("kestrel"),
        viewer: { userId: ana.id, admin: false },
        order: "newest",
        limit: 10,
      });
      expect(hits.map((hit) => hit.message.attachments)).toEqual([expected]);
    });

    it("counts attachments in a page's bytes: a page of heavily attached messages stays bounded", async () => {
      // Ten files with long names each: ~10 KiB of attachments a message, none of text.
      const longName = `${"n".repeat(990)}.png`;
      for (let m = 0; m < 40; m++) {
        const ids: string[] = [];
        for (let f = 0; f < 10; f++) ids.push((await added({ name: longName })).id);
        await send(ids);
      }
      for (const page of [
        await store.messages.latest("general", 100),
        await store.messages.after("general", 0, 100),
        await store.messages.changesAfter("general", 0, 100),
      ]) {
        expect(page.hasMore).toBe(true);
        expect(page.messages.length).toBeGreaterThan(1);
        expect(page.messages.length).toBeLessThan(40);
        expect(pageBytes(page.messages)).toBeLessThanOrEqual(MAX_PAGE_BYTES);
      }
    });

    it("keeps attachments across a reopen", async () => {
      const record = await added();
      const message = await send([record.id]);
      await store.close();
      store = await subject.reopen();
      expect((await store.messages.latest("general", 10)).messages[0]?.attachments).toEqual(
        message.attachments,
      );
      expect(await store.uploads.find(record.id)).toMatchObject({ messageId: message.id });
    });

    it("lists as releasable old unattached and released uploads, oldest first, never fresh or attached ones", async () => {
      const now = Date.now();
      const old = await added({ createdAt: new Date(now - 3 * HOUR) });
      const older = await added({ createdAt: new Date(now - 4 * HOUR) });
      await added({ createdAt: new Date(now - 5 * 60 * 1000) });
      const attachedOld = await added({ createdAt: new Date(now - 2 * HOUR) });
      await send([attachedOld.id]);
      const releasedFresh = await added();
      const deleted = await send([releasedFresh.id]);
      await store.messages.change({
        room: "general",
        id: deleted.id,
        actor: ana,
        change: { kind: "delete" },
      });

      const cutoff = new Date(now - HOUR);
      const ids = (await store.uploads.releasable(cutoff, 10)).map((u) => u.id);
      expect(ids).toEqual([older.id, old.id, releasedFresh.id]);
      expect((await store.uploads.releasable(cutoff, 2)).map((u) => u.id)).toEqual([
        older.id,
        old.id,
      ]);
    });

    it("releases the uploads of a removed room", async () => {
      const record = await added();
      await send([record.id], ana, "", "doomed");
      await store.rooms.remove("doomed");
      expect(await store.uploads.find(record.id)).toMatchObject({ released: true });
    });

    it("forgets rows and answers a shared content key only when its last row goes", async () => {
      const key = "b".repeat(64);
      const one = await added({ contentKey: key });
      const two = await added({ contentKey: key });
      const alone = await added();
      expect(await store.uploads.forget([one.id])).toEqual([]);
      expect(await store.uploads.find(one.id)).toBeNull();
      expect((await store.uploads.forget([two.id, alone.id])).sort()).toEqual(
        [key, alone.contentKey].sort(),
      );
      expect(await store.uploads.forget([two.id, "ffff0000-0000-4000-8000-000000000000"])).toEqual(
        [],
      );
      // Both rows of one key at once: the key is answered once.
      const three = await added({ contentKey: key });
      const four = await added({ contentKey: key });
      expect(await store.uploads.forget([three.id, four.id])).toEqual([key]);
    });

    it("never forgets an upload a standing message holds, even if the sweeper listed it before the send", async () => {
      const old = await added({ createdAt: new Date(Date.now() - 3 * HOUR) });
      const listed = await store.uploads.releasable(new Date(Date.now() - HOUR), 10);
      expect(listed.map((u) => u.id)).toEqual([old.id]);
      const message = await send([old.id]);
      expect(await store.uploads.forget([old.id])).toEqual([]);
      expect(await store.uploads.find(old.id)).toMatchObject({ messageId: message.id });
      // Once its message is deleted, it goes.
      await store.messages.change({
        room: "general",
        id: message.id,
        actor: ana,
        change: { kind: "delete" },
      });
      expect(await store.uploads.forget([old.id])).toEqual([old.contentKey]);
      expect(await store.uploads.find(old.id)).toBeNull();
    });

    it("sums usage per person and per address since a time", async () => {
      const now = Date.now();
      await added({ size: 100, createdAt: new Date(now - 2 * HOUR) });
      await added({ size: 200, createdAt: new Date(now - 10 * 1000) });
      await added({ size: 300, uploaderId: bea.id, address: "198.51.100.2" });
      await added({ size: 400, uploaderId: bea.id });
      const since = new Date(now - HOUR);
      expect(await store.uploads.usage({ uploaderId: ana.id }, since)).toEqual({
        bytes: 200,
        files: 1,
      });
      expect(await store.uploads.usage({ uploaderId: bea.id }, since)).toEqual({
        bytes: 700,
        files: 2,
      });
      expect(await store.uploads.usage({ address: "203.0.113.7" }, since)).toEqual({
        bytes: 600,
        files: 2,
      });
      expect(await store.uploads.usage({ address: "203.0.113.7" }, new Date(0))).toEqual({
        bytes: 700,
        files: 3,
      });
      expect(await store.uploads.usage({ uploaderId: "nobody" }, since)).toEqual({
        bytes: 0,
        files: 0,
      });
    });

    it("pages through the content keys in use, ascending, each once, after the one given", async () => {
      const keys = ["c", "a", "e", "b", "d"].map((letter) => letter.repeat(64));
      for (const contentKey of keys) await added({ contentKey });
      await added({ contentKey: keys[0] });
      const first = await store.uploads.contentKeys("", 2);
      expect(first).toEqual(["a".repeat(64), "b".repeat(64)]);
      const second = await store.uploads.contentKeys(first.at(-1) ?? "", 2);
      expect(second).toEqual(["c".repeat(64), "d".repeat(64)]);
      expect(await store.uploads.contentKeys(second.at(-1) ?? "", 2)).toEqual(["e".repeat(64)]);
      expect(await store.uploads.contentKeys("e".repeat(64), 2)).toEqual([]);
    });
  });
}
