import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatMessage, SearchHit, SearchOrder, User } from "../../shared/protocol";
import { parseSearchQuery } from "../../shared/search-query";
import type { StoreUnderTest } from "./store-contract";
import type { ChatStore, RoomViewer, SearchInput } from "./types";

/**
 * Full-text search as every engine must answer it: words, phrases,
 * exclusions and every operator; the current text only (edits re-index,
 * deletes remove); the viewer's rooms only; a stable ranking; pages without
 * duplicates or gaps; accents folded both ways and substrings of scripts
 * written without spaces; and no query, however hostile, an error.
 */
export function describeSearchContract(
  engine: string,
  openFresh: () => Promise<StoreUnderTest>,
): void {
  describe(`MessageStore.search: ${engine}`, () => {
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
    const cai: User = { id: "user-cai", name: "Cai" };
    const anaViews: RoomViewer = { userId: ana.id, admin: false };
    let clientIds = 0;

    /** Messages one after another, a few ms apart: "newest" is the same order on every engine. */
    async function send(
      room: string,
      text: string,
      author = ana,
      replyTo?: string,
    ): Promise<ChatMessage> {
      clientIds += 1;
      const { message } = await store.messages.append({
        room,
        clientId: `c${clientIds}`,
        author,
        text,
        ...(replyTo ? { replyTo } : {}),
      });
      await new Promise((resolve) => setTimeout(resolve, 3));
      return message;
    }

    async function search(
      query: string,
      more: Partial<Omit<SearchInput, "query">> = {},
    ): Promise<{ hits: SearchHit[]; hasMore: boolean }> {
      return store.messages.search({
        query: parseSearchQuery(query),
        viewer: anaViews,
        order: "newest",
        limit: 20,
        ...more,
      });
    }
    const texts = async (query: string, more: Partial<Omit<SearchInput, "query">> = {}) =>
      (await search(query, more)).hits.map((hit) => hit.message.text);
    const marked = (hit: SearchHit) =>
      hit.highlights.map((range) => hit.message.text.slice(range.start, range.end));

    it("finds messages holding every word, newest first, and marks where", async () => {
      await send("talk", "the deploy went fine");
      await send("talk", "deploy the release notes today");
      await send("talk", "nothing to see");
      expect(await texts("deploy")).toEqual([
        "deploy the release notes today",
        "the deploy went fine",
      ]);
      expect(await texts("deploy fine")).toEqual(["the deploy went fine"]);
      expect(await texts("DEPLOY")).toHaveLength(2);
      const [hit] = (await search("release deploy")).hits;
      expect(hit && marked(hit)).toEqual(["deploy", "release"]);
      expect(hit?.highlights[0]).toEqual({ start: 0, end: 6 });
    });

    it("matches phrases as runs of words, in order", async () => {
      await send("talk", "read the release notes first");
      await send("talk", "notes on the release");
      expect(await texts('"release notes"')).toEqual(["read the release notes first"]);
      expect(await texts('"notes release"')).toEqual([]);
      const [hit] = (await search('"release notes"')).hits;
      expect(hit && marked(hit).join(" ")).toBe("release notes");
    });

    it("leaves out excluded words and phrases", async () => {
      await send("talk", "deploy to staging");
      await send("talk", "deploy to production");
      await send("talk", "deploy the staging area now");
      expect(await texts("deploy -staging")).toEqual(["deploy to production"]);
      expect(await texts('deploy -"staging area"')).toEqual([
        "deploy to production",
        "deploy to staging",
      ]);
      // Filters and an exclusion, no words: every message without it.
      expect(await texts("from:ana -staging", { authorIds: [ana.id] })).toEqual([
        "deploy to production",
      ]);
    });

    it("filters by author, room, reply, link and day", async () => {
      const first = await send("talk", "lunch plans", ana);
      await send("talk", "lunch is late", bea, first.id);
      await send("other", "lunch at noon https://example.com/menu", bea);
      await send("other", "lunch www.example.com", cai);
      expect(await texts("lunch", { authorIds: [bea.id] })).toEqual([
        "lunch at noon https://example.com/menu",
        "lunch is late",
      ]);
      expect(await texts("lunch", { authorIds: [] })).toEqual([]);
      expect(await texts("lunch", { rooms: ["talk"] })).toEqual(["lunch is late", "lunch plans"]);
      expect(await texts("lunch is:reply")).toEqual(["lunch is late"]);
      expect(await texts("lunch has:link")).toEqual(["lunch at noon https://example.com/menu"]);
      const today = new Date().toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      expect(await texts(`lunch on:${today}`)).toHaveLength(4);
      expect(await texts(`lunch on:${yesterday}`)).toEqual([]);
      expect(await texts(`lunch before:${tomorrow}`)).toHaveLength(4);
      expect(await texts(`lunch before:${today}`)).toEqual([]);
      expect(await texts(`lunch after:${yesterday}`)).toHaveLength(4);
      expect(await texts(`lunch after:${today}`)).toEqual([]);
      // Filters alone scan newest first.
      expect(await texts("is:reply")).toEqual(["lunch is late"]);
    });

    it("finds old history by its day", async () => {
      const at = (day: string, seq: number, text: string): ChatMessage => ({
        id: `0190a000-0000-7000-8000-00000000000${seq}`,
        room: "archive",
        seq,
        rev: seq,
        clientId: `old-${seq}`,
        author: ana,
        text,
        createdAt: `${day}T12:00:00.000Z`,
        editedAt: null,
        deleted: false,
        replyTo: null,
        reactions: [],
      });
      await store.messages.importHistory([
        {
          users: [ana],
          messages: [
            at("2020-05-01", 1, "quarterly report"),
            at("2020-05-02", 2, "quarterly review"),
          ],
        },
      ]);
      expect(await texts("quarterly on:2020-05-01")).toEqual(["quarterly report"]);
      expect(await texts("quarterly after:2020-05-01")).toEqual(["quarterly review"]);
      expect(await texts("quarterly before:2020-05-02")).toEqual(["quarterly report"]);
    });

    it("holds current text only: an edit re-indexes, a delete removes", async () => {
      const message = await send("talk", "meet at the harbour");
      await send("talk", "harbour lights", bea);
      await store.messages.change({
        room: "talk",
        id: message.id,
        actor: ana,
        change: { kind: "edit", text: "meet at the station" },
      });
      expect(await texts("harbour")).toEqual(["harbour lights"]);
      const [edited] = (await search("station")).hits;
      expect(edited?.message).toMatchObject({ id: message.id, text: "meet at the station" });
      expect(edited?.message.editedAt).not.toBeNull();
      await store.messages.change({
        room: "talk",
        id: message.id,
        actor: ana,
        change: { kind: "delete" },
      });
      expect(await texts("station")).toEqual([]);
      expect(await texts("meet")).toEqual([]);
    });

    it("answers messages in their current state, reactions and reply included", async () => {
      const question = await send("talk", "who has the keys");
      const answer = await send("talk", "the keys are here", bea, question.id);
      await store.messages.change({
        room: "talk",
        id: answer.id,
        actor: ana,
        change: { kind: "reaction", emoji: "👍", added: true },
      });
      const [hit] = (await search("keys here")).hits;
      expect(hit?.message.replyTo).toEqual({ id: question.id, seq: question.seq });
      expect(hit?.message.reactions).toEqual([{ emoji: "👍", count: 1 }]);
    });

    it("searches only rooms the viewer may read: a removed member finds nothing of a private room", async () => {
      await store.rooms.create({ name: "secret", visibility: "private", topic: "", owner: bea });
      await store.members.change({ room: "secret", user: ana, kind: "joined", by: null });
      await send("secret", "the plan is ready", bea);
      await send("talk", "the plan is public", bea);
      expect(await texts("plan")).toEqual(["the plan is public", "the plan is ready"]);
      // Outsiders, guests and admins (every private room, never others' direct rooms).
      const outsider = { userId: cai.id, admin: false };
      expect(await texts("plan", { viewer: outsider })).toEqual(["the plan is public"]);
      expect(await texts("plan", { viewer: { userId: null, admin: false } })).toEqual([
        "the plan is public",
      ]);
      expect(await texts("plan", { viewer: { userId: "admin", admin: true } })).toHaveLength(2);
      await store.members.change({ room: "secret", user: ana, kind: "kicked", by: bea });
      expect(await texts("plan")).toEqual(["the plan is public"]);
      expect(await texts("plan", { rooms: ["secret"] })).toEqual([]);
    });

    it("never shows another pair's direct room, even to an admin", async () => {
      const { room } = await store.rooms.openDirect(bea, cai, "dm-bea-cai");
      await send(room.name, "just between us", bea);
      expect(await texts("between", { viewer: { userId: cai.id, admin: false } })).toEqual([
        "just between us",
      ]);
      expect(await texts("between", { viewer: { userId: ana.id, admin: true } })).toEqual([]);
    });

    it("ranks the better match first, the same way every time", async () => {
      await send("talk", "kettle kettle kettle boils now");
      await send("talk", "the kettle boils water now");
      await send("talk", "a long message that mentions a kettle once among many other words here");
      const best = await texts("kettle", { order: "best" });
      expect(best).toEqual([
        "kettle kettle kettle boils now",
        "the kettle boils water now",
        "a long message that mentions a kettle once among many other words here",
      ]);
      expect(await texts("kettle", { order: "best" })).toEqual(best);
    });

    for (const order of ["newest", "best"] as const satisfies SearchOrder[]) {
      it(`pages ${order} results without duplicates or gaps`, async () => {
        const sent: string[] = [];
        for (let i = 0; i < 13; i++)
          sent.push((await send("talk", `ticket ${i} ${"ticket ".repeat(i % 4)}`)).id);
        const everything = (await search("ticket", { order, limit: 50 })).hits.map(
          (hit) => hit.message.id,
        );
        expect(everything.toSorted()).toEqual(sent.toSorted());
        const paged: string[] = [];
        let before: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await search("ticket", { order, limit: 5, ...(before ? { before } : {}) });
          paged.push(...page.hits.map((hit) => hit.message.id));
          if (!page.hasMore) break;
          before = page.hits.at(-1)?.message.id;
        }
        expect(paged).toEqual(everything);
        if (order === "newest") expect(everything).toEqual(sent.toReversed());
      });
    }

    it("folds accents both ways", async () => {
      await send("talk", "un café noir");
      await send("talk", "cafe au lait");
      expect(await texts("cafe")).toEqual(["cafe au lait", "un café noir"]);
      expect(await texts("café")).toEqual(["cafe au lait", "un café noir"]);
      const hits = (await search("CAFÉ")).hits;
      expect(hits.map(marked)).toEqual([["cafe"], ["café"]]);
    });

    it("finds substrings of scripts written without spaces", async () => {
      await send("talk", "東京タワーに行きました");
      await send("talk", "京都の秋");
      await send("talk", "서울에서 만나요");
      expect(await texts("東京タワー")).toEqual(["東京タワーに行きました"]);
      expect(await texts("タワー")).toEqual(["東京タワーに行きました"]);
      // One or two characters are too short for a trigram: still found.
      expect(await texts("京")).toEqual(["京都の秋", "東京タワーに行きました"]);
      expect(await texts("서울")).toEqual(["서울에서 만나요"]);
      expect(await texts("京 -タワー")).toEqual(["京都の秋"]);
      const [hit] = (await search("タワー")).hits;
      expect(hit?.highlights).toEqual([{ start: 2, end: 5 }]);
      expect(await texts('"京都の秋"')).toEqual(["京都の秋"]);
    });

    it("never fails on query syntax of its own", async () => {
      await send("talk", 'NEAR(a b) * ^col: "x" text:y OR AND NOT');
      for (const query of [
        '"',
        '"unclosed phrase',
        "NEAR(a b)",
        "NEAR",
        "*",
        "a*",
        "^start",
        "text:y",
        "col:",
        "OR",
        "AND NOT",
        "(",
        ")",
        "-",
        "--x",
        "'; DROP TABLE messages; --",
        "\\",
        "%",
        "_",
        "!!!",
        "a & b | !c <-> d",
        "x".repeat(400),
      ]) {
        for (const order of ["newest", "best"] as const)
          await expect(search(query, { order }), query).resolves.toBeDefined();
      }
      expect(await texts("NEAR")).toHaveLength(1);
      expect(await texts("OR")).toHaveLength(1);
      expect(await texts("%")).toEqual([]);
      expect(await texts("!!!")).toEqual([]);
    });

    it("finds nothing for an empty query", async () => {
      await send("talk", "something");
      expect((await search("")).hits).toEqual([]);
      expect((await search('""')).hits).toEqual([]);
    });
  });
}
