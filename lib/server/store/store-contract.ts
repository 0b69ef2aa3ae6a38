import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_PAGE_BYTES, MAX_PAGE_SIZE } from "../../shared/limits";
import type { Page, User } from "../../shared/protocol";
import { messageBytes, pageBytes } from "./page-bytes";
import { type AppendResult, type ChatStore, type NewMessage, TooManyBotTokensError } from "./types";

/** One fresh database for one test, as an engine provides it. */
export type StoreUnderTest = {
  /** An open store on an empty database. */
  store: ChatStore;
  /** Opens the same database again; called after `store` (or an earlier reopen) was closed. */
  reopen(): Promise<ChatStore>;
  /** Closes every store opened on the database, then deletes it. */
  destroy(): Promise<void>;
};

/**
 * The behaviour every `ChatStore` engine must share. Each engine's test file
 * calls this with a factory for fresh databases, so SQLite and Postgres are held
 * to one definition of sequence, idempotency, pagination and durability.
 */
export function describeStoreContract(
  engine: string,
  openFresh: () => Promise<StoreUnderTest>,
): void {
  describe(`ChatStore contract, per aggregate: ${engine}`, () => {
    let subject: StoreUnderTest;
    let store: ChatStore;

    beforeEach(async () => {
      subject = await openFresh();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.destroy();
    });

    /** Closes the current store and opens the same database again. */
    async function reopen(): Promise<ChatStore> {
      await store.close();
      store = await subject.reopen();
      return store;
    }

    const ana: User = { id: "user-ana", name: "Ana" };
    const bea: User = { id: "user-bea", name: "Bea" };
    let clientIds = 0;

    function draft(room: string, overrides: Partial<NewMessage> = {}): NewMessage {
      clientIds += 1;
      return {
        room,
        clientId: `c${clientIds}`,
        author: ana,
        text: `text ${clientIds}`,
        ...overrides,
      };
    }

    /** Stores `count` messages one after another; their texts are "m1", "m2", … unless given. */
    async function fill(room: string, count: number, text?: string): Promise<void> {
      for (let i = 1; i <= count; i++)
        await store.messages.append(draft(room, { text: text ?? `m${i}` }));
    }

    const seqs = (page: Page) => page.messages.map((m) => m.seq);
    const range = (from: number, to: number) =>
      Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

    describe("messages: sequence", () => {
      it("numbers a room's messages 1, 2, 3, … and echoes what was stored", async () => {
        const first = await store.messages.append({
          room: "general",
          clientId: "hello-1",
          author: ana,
          text: "hello",
        });
        const second = await store.messages.append(draft("general"));
        const third = await store.messages.append(draft("general"));

        expect(first).toEqual({
          duplicate: false,
          message: {
            id: expect.any(String),
            room: "general",
            seq: 1,
            clientId: "hello-1",
            author: ana,
            text: "hello",
            createdAt: expect.any(String),
            rev: 1,
            editedAt: null,
            deleted: false,
            replyTo: null,
            reactions: [],
          },
        });
        expect([second.message.seq, third.message.seq]).toEqual([2, 3]);
        expect(new Set([first, second, third].map((r) => r.message.id)).size).toBe(3);
      });

      it("stamps createdAt with the server clock as ISO-8601", async () => {
        const before = Date.now();
        const { message: stored } = await store.messages.append(draft("general"));
        const after = Date.now();

        expect(new Date(stored.createdAt).toISOString()).toBe(stored.createdAt);
        // Whole milliseconds either side: an engine may keep less precision than the JS clock.
        const at = Date.parse(stored.createdAt);
        expect(at).toBeGreaterThanOrEqual(before - 1);
        expect(at).toBeLessThanOrEqual(after + 1);
      });

      it("keeps a separate sequence per room", async () => {
        const results: AppendResult[] = [];
        for (const room of ["a", "b", "a", "c", "b", "a"])
          results.push(await store.messages.append(draft(room)));

        expect(results.map((r) => `${r.message.room}${r.message.seq}`)).toEqual([
          "a1",
          "b1",
          "a2",
          "c1",
          "b2",
          "a3",
        ]);
      });

      it("gives gap-free sequences and each caller its own message when many appends race", async () => {
        const rooms = ["r0", "r1", "r2", "r3"];
        const inputs = Array.from({ length: 200 }, (_, i) =>
          draft(rooms[i % rooms.length] as string, {
            clientId: `race-${i}`,
            text: `race ${i}`,
            author: i % 2 === 0 ? ana : bea,
          }),
        );

        const results = await Promise.all(inputs.map((input) => store.messages.append(input)));

        for (const [i, result] of results.entries()) {
          const input = inputs[i] as NewMessage;
          expect(result.duplicate).toBe(false);
          expect(result.message).toMatchObject({
            room: input.room,
            clientId: input.clientId,
            text: input.text,
            author: input.author,
          });
        }
        for (const room of rooms) {
          const stored = results.filter((r) => r.message.room === room).map((r) => r.message.seq);
          expect(stored.toSorted((x, y) => x - y)).toEqual(range(1, 50));
          expect(await store.rooms.latestSeq(room)).toBe(50);
        }
        expect(new Set(results.map((r) => r.message.id)).size).toBe(200);
      });
    });

    describe("messages: idempotency", () => {
      it("returns the stored message, marked duplicate, when an author reuses a clientId in a room", async () => {
        const original = await store.messages.append(draft("general", { clientId: "retry-me" }));
        await store.messages.append(draft("general"));
        const retried = await store.messages.append(
          draft("general", { clientId: "retry-me", text: "a different text" }),
        );

        expect(retried).toEqual({ duplicate: true, message: original.message });
        expect(await store.rooms.latestSeq("general")).toBe(2);
        expect((await store.messages.latest("general", 10)).messages).toHaveLength(2);
      });

      it("treats the same clientId from another author or in another room as a new message", async () => {
        const first = await store.messages.append(draft("general", { clientId: "same" }));
        const otherAuthor = await store.messages.append(
          draft("general", { clientId: "same", author: bea }),
        );
        const otherRoom = await store.messages.append(draft("random", { clientId: "same" }));

        expect(first.message.seq).toBe(1);
        expect(otherAuthor).toMatchObject({ duplicate: false, message: { seq: 2, author: bea } });
        expect(otherRoom).toMatchObject({ duplicate: false, message: { seq: 1, room: "random" } });
      });

      it("stores one message when the same send races with itself", async () => {
        const input = draft("general", { clientId: "twice" });
        const results = await Promise.all([
          store.messages.append(input),
          store.messages.append(input),
          store.messages.append(input),
        ]);

        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
        expect(await store.rooms.latestSeq("general")).toBe(1);
      });

      it("keeps the author's name as it was when the message was sent", async () => {
        await store.users.create(ana);
        await store.messages.append(draft("general", { author: ana }));
        await store.users.rename(ana.id, "Ana Souza");
        await store.messages.append(draft("general", { author: { ...ana, name: "Ana Souza" } }));

        const { messages } = await store.messages.latest("general", 10);
        expect(messages.map((m) => m.author.name)).toEqual(["Ana", "Ana Souza"]);
      });
    });

    describe("messages: pagination", () => {
      const room = "pages";

      it("answers an empty page for a room with no messages, in every direction", async () => {
        const empty = { messages: [], hasMore: false };
        expect(await store.messages.latest(room, 10)).toEqual(empty);
        expect(await store.messages.before(room, 100, 10)).toEqual(empty);
        expect(await store.messages.after(room, 0, 10)).toEqual(empty);
        expect(await store.rooms.latestSeq(room)).toBe(0);
      });

      it.each([
        ["fewer messages than the limit", 3, 5, range(1, 3), false],
        ["exactly the limit", 5, 5, range(1, 5), false],
        ["one more than the limit", 6, 5, range(2, 6), true],
        ["many more than the limit", 20, 5, range(16, 20), true],
        ["a limit of one", 3, 1, [3], true],
      ])(
        "messages.latest with %s: the newest, ascending",
        async (_case, count, limit, expected, hasMore) => {
          await fill(room, count);
          const page = await store.messages.latest(room, limit);
          expect(seqs(page)).toEqual(expected);
          expect(page.hasMore).toBe(hasMore);
        },
      );

      it.each([
        ["before=0", 0, 3, [], false],
        ["before=1", 1, 3, [], false],
        ["before=2", 2, 3, [1], false],
        ["fewer older than the limit", 3, 5, [1, 2], false],
        ["exactly the limit older", 6, 5, range(1, 5), false],
        ["one more than the limit older", 7, 5, range(2, 6), true],
        ["a cursor in the middle", 8, 3, [5, 6, 7], true],
        ["a cursor just past the end", 11, 3, [8, 9, 10], true],
        ["a cursor far past the end", 1000, 3, [8, 9, 10], true],
        ["a cursor past the end with a large limit", 1000, 50, range(1, 10), false],
      ])(
        "messages.before with %s: the newest older ones, ascending",
        async (_case, before, limit, expected, hasMore) => {
          await fill(room, 10);
          const page = await store.messages.before(room, before, limit);
          expect(seqs(page)).toEqual(expected);
          expect(page.hasMore).toBe(hasMore);
        },
      );

      it.each([
        ["after=0", 0, 3, [1, 2, 3], true],
        ["after=0 with a limit covering all", 0, 10, range(1, 10), false],
        ["after=0 with a larger limit", 0, 50, range(1, 10), false],
        ["exactly the limit newer", 5, 5, range(6, 10), false],
        ["one more than the limit newer", 4, 5, range(5, 9), true],
        ["fewer newer than the limit", 8, 5, [9, 10], false],
        ["a cursor at the end", 10, 5, [], false],
        ["a cursor beyond the end", 25, 5, [], false],
      ])(
        "messages.after with %s: the oldest newer ones, ascending",
        async (_case, after, limit, expected, hasMore) => {
          await fill(room, 10);
          const page = await store.messages.after(room, after, limit);
          expect(seqs(page)).toEqual(expected);
          expect(page.hasMore).toBe(hasMore);
        },
      );

      it("walks the whole history backwards and forwards without gaps or repeats", async () => {
        await fill(room, 23);

        const backwards: number[] = [];
        let page = await store.messages.latest(room, 5);
        backwards.unshift(...seqs(page));
        while (page.hasMore) {
          page = await store.messages.before(room, backwards[0] as number, 5);
          backwards.unshift(...seqs(page));
        }
        expect(backwards).toEqual(range(1, 23));

        const forwards: number[] = [];
        page = { messages: [], hasMore: true };
        while (page.hasMore) {
          page = await store.messages.after(room, forwards.at(-1) ?? 0, 5);
          forwards.push(...seqs(page));
        }
        expect(forwards).toEqual(range(1, 23));
      });

      describe("bounded in bytes", () => {
        /** The longest message by bytes: 4000 code points of four bytes each. */
        const longest = "🦊".repeat(4000);
        const perPage = Math.floor(MAX_PAGE_BYTES / messageBytes(longest));
        const count = 2 * perPage + 3;

        it("stops a page of long messages short of its limit, saying more exist, in every direction", async () => {
          await fill(room, count, longest);
          const newest = await store.messages.latest(room, MAX_PAGE_SIZE);
          expect(seqs(newest)).toEqual(range(count - perPage + 1, count));
          expect(newest.hasMore).toBe(true);
          const before = await store.messages.before(room, count + 1, MAX_PAGE_SIZE);
          expect(seqs(before)).toEqual(range(count - perPage + 1, count));
          expect(before.hasMore).toBe(true);
          const after = await store.messages.after(room, 0, MAX_PAGE_SIZE);
          expect(seqs(after)).toEqual(range(1, perPage));
          expect(after.hasMore).toBe(true);
          for (const page of [newest, before, after])
            expect(pageBytes(page.messages)).toBeLessThanOrEqual(MAX_PAGE_BYTES);
        });

        it("says nothing more exists when the short page reached the end", async () => {
          await fill(room, perPage, longest);
          expect(await store.messages.after(room, 0, MAX_PAGE_SIZE)).toMatchObject({
            hasMore: false,
          });
          expect(seqs(await store.messages.after(room, 0, MAX_PAGE_SIZE))).toEqual(
            range(1, perPage),
          );
          expect((await store.messages.latest(room, MAX_PAGE_SIZE)).hasMore).toBe(false);
        });

        it("walks a history of long and short messages both ways with short pages, missing nothing", async () => {
          for (let i = 1; i <= count; i++)
            await store.messages.append(draft(room, { text: i % 3 === 0 ? "short" : longest }));
          const forwards: number[] = [];
          let page: Page = { messages: [], hasMore: true };
          while (page.hasMore) {
            page = await store.messages.after(room, forwards.at(-1) ?? 0, MAX_PAGE_SIZE);
            expect(page.messages.length).toBeGreaterThan(0);
            expect(pageBytes(page.messages)).toBeLessThanOrEqual(MAX_PAGE_BYTES);
            forwards.push(...seqs(page));
          }
          expect(forwards).toEqual(range(1, count));

          const backwards: number[] = [];
          page = await store.messages.latest(room, MAX_PAGE_SIZE);
          backwards.unshift(...seqs(page));
          while (page.hasMore) {
            page = await store.messages.before(room, backwards[0] as number, MAX_PAGE_SIZE);
            expect(page.messages.length).toBeGreaterThan(0);
            backwards.unshift(...seqs(page));
          }
          expect(backwards).toEqual(range(1, count));
        });
      });

      it("returns whole messages in pages, identical to what the append returned", async () => {
        const appended = await store.messages.append(draft(room, { text: "whole" }));
        const [fromLatest] = (await store.messages.latest(room, 1)).messages;
        const [fromAfter] = (await store.messages.after(room, 0, 1)).messages;
        const [fromBefore] = (await store.messages.before(room, 2, 1)).messages;
        expect(fromLatest).toEqual(appended.message);
        expect(fromAfter).toEqual(appended.message);
        expect(fromBefore).toEqual(appended.message);
      });

      it("never mixes rooms", async () => {
        await fill("left", 3);
        await fill("right", 2);
        const left = await store.messages.latest("left", 10);
        expect(left.messages.every((m) => m.room === "left")).toBe(true);
        expect(seqs(left)).toEqual([1, 2, 3]);
        expect(seqs(await store.messages.after("right", 0, 10))).toEqual([1, 2]);
        expect(seqs(await store.messages.before("right", 3, 10))).toEqual([1, 2]);
      });
    });

    describe("rooms.latestSeq", () => {
      it("is 0 for an unknown room and follows stored messages but not duplicates", async () => {
        expect(await store.rooms.latestSeq("general")).toBe(0);
        await store.messages.append(draft("general", { clientId: "once" }));
        expect(await store.rooms.latestSeq("general")).toBe(1);
        await store.messages.append(draft("general", { clientId: "once" }));
        expect(await store.rooms.latestSeq("general")).toBe(1);
        await fill("general", 4);
        expect(await store.rooms.latestSeq("general")).toBe(5);
        expect(await store.rooms.latestSeq("other")).toBe(0);
      });
    });

    describe("rooms.recent", () => {
      /** Lets the clock move on, so that activity times differ between rooms. */
      const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

      it("is empty before anything is said", async () => {
        expect(await store.rooms.recent(10)).toEqual([]);
      });

      it("lists rooms by their latest message, newest first, with their latest seq", async () => {
        await fill("old", 2);
        await tick();
        await fill("middle", 1);
        await tick();
        await fill("new", 3);

        const rooms = await store.rooms.recent(10);
        expect(rooms.map((r) => [r.name, r.latestSeq])).toEqual([
          ["new", 3],
          ["middle", 1],
          ["old", 2],
        ]);
        const [newest] = (await store.messages.latest("new", 1)).messages;
        expect(rooms[0]?.lastMessageAt).toBe(newest?.createdAt);
      });

      it("moves a room to the front when it gets a new message", async () => {
        await fill("first", 1);
        await tick();
        await fill("second", 1);
        await tick();
        await store.messages.append(draft("first"));

        expect((await store.rooms.recent(10)).map((r) => r.name)).toEqual(["first", "second"]);
      });

      it("returns at most `limit` rooms, the most recent ones", async () => {
        for (const room of ["r1", "r2", "r3", "r4"]) {
          await fill(room, 1);
          await tick();
        }
        expect((await store.rooms.recent(2)).map((r) => r.name)).toEqual(["r4", "r3"]);
      });

      it("lists rooms where someone besides their first author wrote before the others", async () => {
        await store.messages.append(draft("pair"));
        await store.messages.append(draft("pair", { author: bea }));
        await tick();
        await fill("solo", 3);
        await tick();
        await store.messages.append(draft("trio"));
        await store.messages.append(draft("trio", { author: bea }));
        await tick();
        await fill("alone", 1);

        expect((await store.rooms.recent(10)).map((r) => r.name)).toEqual([
          "trio",
          "pair",
          "alone",
          "solo",
        ]);
        // One author filling rooms alone cannot push a shared room off a short list.
        expect((await store.rooms.recent(2)).map((r) => r.name)).toEqual(["trio", "pair"]);
      });

      it("counts a room shared only once another author wrote, not for its first author writing again", async () => {
        await fill("monologue", 3);
        await tick();
        await fill("later", 1);
        expect((await store.rooms.recent(10)).map((r) => r.name)).toEqual(["later", "monologue"]);
        await tick();
        await store.messages.append(draft("later", { author: bea }));
        await tick();
        await fill("monologue", 1);
        expect((await store.rooms.recent(10)).map((r) => r.name)).toEqual(["later", "monologue"]);
      });

      it("is not changed by a duplicate send", async () => {
        await store.messages.append(draft("first", { clientId: "again" }));
        await tick();
        await fill("second", 1);
        await tick();
        await store.messages.append(draft("first", { clientId: "again" }));

        expect((await store.rooms.recent(10)).map((r) => r.name)).toEqual(["second", "first"]);
      });
    });

    describe("users: names", () => {
      it("creates a user that can then be found", async () => {
        expect(await store.users.create(ana)).toEqual(ana);
        expect(await store.users.find(ana.id)).toEqual(ana);
      });

      it("creating an existing id again returns the stored user (two tabs racing on one new cookie)", async () => {
        await store.users.create(ana);
        expect(await store.users.create({ id: ana.id, name: "Someone else" })).toEqual(ana);
        const [first, second] = await Promise.all([
          store.users.create(bea),
          store.users.create({ id: bea.id, name: "Other" }),
        ]);
        expect(first).toEqual(second);
      });

      it("finds nobody for an unknown id", async () => {
        expect(await store.users.find("nobody")).toBeNull();
      });

      it("renames a user, and the new name is what is found afterwards", async () => {
        await store.users.create(ana);
        await store.users.create(bea);
        expect(await store.users.rename(ana.id, "Ana Souza")).toEqual({
          id: ana.id,
          name: "Ana Souza",
        });
        expect(await store.users.find(ana.id)).toEqual({ id: ana.id, name: "Ana Souza" });
        expect(await store.users.find(bea.id)).toEqual(bea);
      });

      it("makes the row of an identity that never wrote when it is renamed", async () => {
        expect(await store.users.find("newcomer")).toBeNull();
        expect(await store.users.rename("newcomer", "Ghost")).toEqual({
          id: "newcomer",
          name: "Ghost",
        });
        expect(await store.users.find("newcomer")).toEqual({ id: "newcomer", name: "Ghost" });
      });

      it("makes the row of an identity with its first message, under the name it was sent with", async () => {
        const author = { id: "first-writer", name: "Swift Otter" };
        expect(await store.users.find(author.id)).toBeNull();
        await store.messages.append(draft("general", { author }));
        expect(await store.users.find(author.id)).toEqual(author);
      });

      it("keeps a rename when a later message still carries the old name", async () => {
        const author = { id: "renamed-writer", name: "Old name" };
        await store.messages.append(draft("general", { author }));
        await store.users.rename(author.id, "New name");
        await store.messages.append(draft("general", { author }));
        expect(await store.users.find(author.id)).toEqual({ id: author.id, name: "New name" });
      });

      it("commits renames and messages issued together, each with its own result", async () => {
        const people = Array.from({ length: 40 }, (_, i) => ({ id: `p${i}`, name: `P${i}` }));
        const results = await Promise.all(
          people.flatMap((person, i) => [
            store.users.rename(person.id, `Renamed ${i}`),
            store.messages.append(draft("crowd", { author: person })),
          ]),
        );
        expect(results.filter((_, i) => i % 2 === 0)).toEqual(
          people.map((person, i) => ({ id: person.id, name: `Renamed ${i}` })),
        );
        for (const [i, person] of people.entries())
          expect(await store.users.find(person.id)).toEqual({
            id: person.id,
            name: `Renamed ${i}`,
          });
        expect(await store.rooms.latestSeq("crowd")).toBe(people.length);
      });

      it("keeps names verbatim", async () => {
        const user = { id: "user-unicode", name: "Zoë 名前 🦊 O'Brien" };
        await store.users.create(user);
        expect(await store.users.find(user.id)).toEqual(user);
      });
    });

    describe("users: credential generations", () => {
      it("start at 0, for identities with or without a user row", async () => {
        await store.users.create(ana);
        expect(await store.users.credentialGeneration(ana.id)).toBe(0);
        expect(await store.users.credentialGeneration("never-wrote")).toBe(0);
      });

      it("go up by one with each revocation, for that identity only", async () => {
        await store.users.create(ana);
        await store.users.create(bea);
        expect(await store.users.revokeCredentials(ana.id)).toBe(1);
        expect(await store.users.revokeCredentials(ana.id)).toBe(2);
        expect(await store.users.revokeCredentials("never-wrote")).toBe(1);

        expect(await store.users.credentialGeneration(ana.id)).toBe(2);
        expect(await store.users.credentialGeneration(bea.id)).toBe(0);
        expect(await store.users.credentialGeneration("never-wrote")).toBe(1);
        expect(await store.users.find(ana.id)).toEqual(ana);
      });

      it("count concurrent revocations each", async () => {
        await Promise.all(Array.from({ length: 5 }, () => store.users.revokeCredentials(ana.id)));
        expect(await store.users.credentialGeneration(ana.id)).toBe(5);
      });

      it("are kept across a reopen", async () => {
        await store.users.revokeCredentials(ana.id);
        const reopened = await reopen();
        expect(await reopened.users.credentialGeneration(ana.id)).toBe(1);
      });
    });

    describe("botTokens", () => {
      const hash = (n: number) => n.toString(16).padStart(64, "0");

      it("creates a token under a new id, with its name, and lists it for its account only", async () => {
        const before = Date.now();
        const made = await store.botTokens.create("account-a", "Build bot", hash(1));
        expect(made).toMatchObject({ accountId: "account-a", name: "Build bot", lastUsedAt: null });
        expect(made.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(made.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
        await store.botTokens.create("account-b", "Other", hash(2));
        expect(await store.botTokens.list("account-a")).toEqual([made]);
        expect(await store.botTokens.list("nobody")).toEqual([]);
      });

      it("lists an account's tokens oldest first", async () => {
        const first = await store.botTokens.create("account-a", "First", hash(1));
        const second = await store.botTokens.create("account-a", "Second", hash(2));
        const third = await store.botTokens.create("account-a", "Third", hash(3));
        expect((await store.botTokens.list("account-a")).map((t) => t.id)).toEqual([
          first.id,
          second.id,
          third.id,
        ]);
      });

      it("refuses a second token with the same hash", async () => {
        await store.botTokens.create("account-a", "One", hash(7));
        await expect(store.botTokens.create("account-b", "Two", hash(7))).rejects.toThrow();
        expect(await store.botTokens.list("account-b")).toEqual([]);
      });

      it("refuses a token past the account's limit, even when creations race, writing nothing", async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            store.botTokens.create("account-a", `Bot ${i}`, hash(100 + i), 5),
          ),
        );
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
        for (const result of results.filter((r) => r.status === "rejected"))
          expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TooManyBotTokensError);
        expect(await store.botTokens.list("account-a")).toHaveLength(5);
        // Another account's limit is its own.
        await expect(store.botTokens.create("account-b", "B", hash(200), 5)).resolves.toBeTruthy();
      });

      it("finds a token by its hash and marks it used, writing the time at most once a minute", async () => {
        const made = await store.botTokens.create("account-a", "Bot", hash(1));
        expect(await store.botTokens.findByHash(hash(99))).toBeNull();
        const found = await store.botTokens.findByHash(hash(1));
        expect(found).toMatchObject({ id: made.id, accountId: "account-a", name: "Bot" });
        const firstUse = found?.lastUsedAt?.getTime();
        expect(firstUse).toBeGreaterThan(made.createdAt.getTime() - 1_000);
        const again = await store.botTokens.findByHash(hash(1));
        expect(again?.lastUsedAt?.getTime()).toBe(firstUse);
        const listed = await store.botTokens.list("account-a");
        expect(listed[0]?.lastUsedAt?.getTime()).toBe(firstUse);
      });

      it("revokes only the account's own token", async () => {
        const mine = await store.botTokens.create("account-a", "Mine", hash(1));
        const kept = await store.botTokens.create("account-a", "Kept", hash(2));
        expect(await store.botTokens.revoke("account-b", mine.id)).toBe(false);
        expect(await store.botTokens.revoke("account-a", "no-such-id")).toBe(false);
        expect(await store.botTokens.findByHash(hash(1))).not.toBeNull();
        expect(await store.botTokens.revoke("account-a", mine.id)).toBe(true);
        expect(await store.botTokens.revoke("account-a", mine.id)).toBe(false);
        expect(await store.botTokens.findByHash(hash(1))).toBeNull();
        expect((await store.botTokens.list("account-a")).map((t) => t.id)).toEqual([kept.id]);
      });

      it("revokes every token of one account and says which", async () => {
        const one = await store.botTokens.create("account-a", "One", hash(1));
        const two = await store.botTokens.create("account-a", "Two", hash(2));
        await store.botTokens.create("account-b", "Other", hash(3));
        expect((await store.botTokens.revokeAll("account-a")).toSorted()).toEqual(
          [one.id, two.id].toSorted(),
        );
        expect(await store.botTokens.list("account-a")).toEqual([]);
        expect(await store.botTokens.list("account-b")).toHaveLength(1);
        expect(await store.botTokens.revokeAll("account-a")).toEqual([]);
      });

      it("keeps tokens across a reopen", async () => {
        const made = await store.botTokens.create("account-a", "Zoë's bot 🦊", hash(1));
        const reopened = await reopen();
        expect(await reopened.botTokens.list("account-a")).toEqual([made]);
        expect((await reopened.botTokens.findByHash(hash(1)))?.id).toBe(made.id);
      });
    });

    describe("reads: positions", () => {
      it("stores a position and moves it only forward", async () => {
        await fill("general", 5);
        expect(await store.reads.mark(ana.id, "general", 3)).toBe(3);
        expect(await store.reads.mark(ana.id, "general", 5)).toBe(5);
        // A late or stale mark answers with the position it did not move.
        expect(await store.reads.mark(ana.id, "general", 2)).toBe(5);
        expect(await store.reads.mark(ana.id, "general", 5)).toBe(5);
        expect(await store.reads.positions(ana.id)).toEqual({ general: 5 });
      });

      it("keeps one position per person and room", async () => {
        await fill("general", 4);
        await fill("random", 2);
        await store.reads.mark(ana.id, "general", 4);
        await store.reads.mark(ana.id, "random", 1);
        await store.reads.mark(bea.id, "general", 2);
        expect(await store.reads.positions(ana.id)).toEqual({ general: 4, random: 1 });
        expect(await store.reads.positions(bea.id)).toEqual({ general: 2 });
        expect(await store.reads.positions("never-read")).toEqual({});
      });

      it("clamps a seq beyond the room's latest to the latest, and to 0 in a room with no messages", async () => {
        await fill("general", 3);
        expect(await store.reads.mark(ana.id, "general", 1_000_000)).toBe(3);
        expect(await store.reads.mark(ana.id, "quiet", 7)).toBe(0);
        expect(await store.reads.positions(ana.id)).toEqual({ general: 3, quiet: 0 });
        // The room's next message is unread, not hidden behind a position from the future.
        await fill("general", 1);
        expect(await store.reads.mark(ana.id, "general", 4)).toBe(4);
      });

      it("settles concurrent marks of one room on the furthest", async () => {
        await fill("general", 20);
        const marks = await Promise.all(
          [7, 20, 3, 15, 11].map((seq) => store.reads.mark(ana.id, "general", seq)),
        );
        expect(marks).toContain(20);
        expect(await store.reads.positions(ana.id)).toEqual({ general: 20 });
      });

      it("keeps SQL-like room names as plain data", async () => {
        await fill("general", 2);
        await store.reads.mark(ana.id, "general' OR '1'='1", 2);
        expect(await store.reads.positions(ana.id)).toEqual({ "general' OR '1'='1": 0 });
      });

      it("are kept across a reopen", async () => {
        await fill("general", 2);
        await store.reads.mark(ana.id, "general", 2);
        const reopened = await reopen();
        expect(await reopened.reads.positions(ana.id)).toEqual({ general: 2 });
      });
    });

    describe("messages: text", () => {
      it.each([
        ["markup", "<script>alert('x')</script> <b>bold</b> &amp;"],
        ["SQL", "'); DROP TABLE messages; --"],
        ["quotes and backslashes", `"double" 'single' \`back\` \\ \\\\ %s %d $1 ?`],
        ["emoji and combining marks", "👩🏽‍💻 🇧🇷 e\u0301 ﷽"],
        ["right-to-left text", "مرحبا بالعالم"],
        ["newlines and tabs", "line one\nline two\r\nline three\n\n\tindented"],
        ["surrounding whitespace", "   padded   \n"],
        ["control characters", "bell\u0007 escape\u001b[31m unit\u001f"],
        ["the longest allowed text", "😀".repeat(4000)],
      ])("stores %s verbatim", async (_case, text) => {
        const { message: stored } = await store.messages.append(draft("verbatim", { text }));
        expect(stored.text).toBe(text);
        const [read] = (await store.messages.latest("verbatim", 1)).messages;
        expect(read?.text).toBe(text);
      });

      it("keeps SQL-like room names and client ids as plain data", async () => {
        await store.messages.append(draft("general", { clientId: "x'--" }));
        expect(await store.rooms.latestSeq("general")).toBe(1);
        expect(await store.rooms.latestSeq("general' OR '1'='1")).toBe(0);
      });
    });

    describe("store: durability", () => {
      it("keeps messages, users and rooms after close and reopen, and the sequence continues", async () => {
        await store.users.create(ana);
        await store.users.rename(ana.id, "Ana Souza");
        await fill("general", 3);
        const before = await store.messages.latest("general", 10);

        const reopened = await reopen();

        expect(await reopened.messages.latest("general", 10)).toEqual(before);
        expect(await reopened.rooms.latestSeq("general")).toBe(3);
        expect(await reopened.users.find(ana.id)).toEqual({ id: ana.id, name: "Ana Souza" });
        expect((await reopened.rooms.recent(10)).map((r) => r.name)).toEqual(["general"]);
        const next = await reopened.messages.append(draft("general"));
        expect(next.message.seq).toBe(4);
      });

      it("remembers clientIds across a reopen", async () => {
        const original = await store.messages.append(
          draft("general", { clientId: "before-restart" }),
        );
        const reopened = await reopen();
        const retried = await reopened.messages.append(
          draft("general", { clientId: "before-restart" }),
        );
        expect(retried).toEqual({ duplicate: true, message: original.message });
      });

      it("commits appends issued just before close, and close waits for them", async () => {
        const pending = Array.from({ length: 20 }, (_, i) =>
          store.messages.append(draft("closing", { text: `last words ${i}` })),
        );
        await store.close();
        const results = await Promise.all(pending);
        expect(results.map((r) => r.message.seq).toSorted((x, y) => x - y)).toEqual(range(1, 20));

        store = await subject.reopen();
        const { messages } = await store.messages.latest("closing", 50);
        const committed = results.map((r) => r.message).toSorted((x, y) => x.seq - y.seq);
        expect(messages).toEqual(committed);
      });

      it("rejects an append after close instead of leaving it hanging", async () => {
        await store.close();
        await expect(store.messages.append(draft("general"))).rejects.toThrow();
        store = await subject.reopen();
        expect(await store.rooms.latestSeq("general")).toBe(0);
      });

      it("answers ping while open", async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });
  });
}
