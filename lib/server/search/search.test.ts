import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SearchHit } from "../../shared/protocol";
import type { ChatTestServer } from "../testing/chat-test-server";
import { guest, type RoomPerson } from "../testing/room-people";
import {
  postgresDeployment,
  sqliteDeployment,
  type TestDeployment,
} from "../testing/test-deployments";

const ENGINES = [
  ["SQLite", sqliteDeployment],
  ["Postgres", postgresDeployment],
] as const;

const texts = (results: SearchHit[]) => results.map((hit) => hit.message.text);

describe.each(ENGINES)("search on %s", (_engine, deploy) => {
  let deployment: TestDeployment;
  let server: ChatTestServer;
  beforeEach(async () => {
    deployment = await deploy();
    server = deployment.servers[0] as ChatTestServer;
  });
  afterEach(async () => {
    await deployment.dispose();
  });

  let n = 0;
  const say = async (person: RoomPerson, room: string, text: string, replyTo?: string) => {
    n += 1;
    const sent = await person.must("message:send", {
      room,
      text,
      clientId: `c${n}`,
      ...(replyTo ? { replyTo } : {}),
    });
    await new Promise((resolve) => setTimeout(resolve, 3));
    return sent.message;
  };

  /** Olga owns private "club" with Ben in it; "lobby" is public; Out is in neither. */
  async function world() {
    const olga = await guest(server, "Olga");
    const ben = await guest(server, "Ben");
    const out = await guest(server, "Out");
    await olga.must("room:create", { room: "club", visibility: "private" });
    await olga.must("member:add", { room: "club", userId: ben.user.id });
    for (const person of [olga, ben]) await person.must("room:join", { room: "club" });
    for (const person of [olga, ben, out]) await person.must("room:join", { room: "lobby" });
    return { olga, ben, out };
  }

  it("finds messages in the rooms a person may read, with the matches marked", async () => {
    const { olga, ben, out } = await world();
    await say(olga, "club", "the secret plan is ready");
    await say(ben, "lobby", "a plan for lunch");
    const found = await ben.must("search", { query: "plan" });
    expect(texts(found.results)).toEqual(["a plan for lunch", "the secret plan is ready"]);
    expect(found.hasMore).toBe(false);
    const [hit] = found.results;
    expect(hit?.highlights).toEqual([{ start: 2, end: 6 }]);
    expect(hit?.message).toMatchObject({ room: "lobby", author: { name: "Ben" } });
    // Someone outside the private room finds only the public message.
    expect(texts((await out.must("search", { query: "plan" })).results)).toEqual([
      "a plan for lunch",
    ]);
    // Naming the room they may not read is refused as reading it is.
    expect(await out.ask("search", { query: "plan", room: "club" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(texts((await out.must("search", { query: "plan in:club" })).results)).toEqual([]);
  });

  it("understands the operators: from:, in:, is:reply, has:link, phrases and exclusions", async () => {
    const { olga, ben } = await world();
    const question = await say(olga, "lobby", "where is the release note");
    await say(ben, "lobby", "release note is at https://example.com/notes", question.id);
    await say(ben, "club", "release party tonight");
    const ask = async (query: string) => texts((await olga.must("search", { query })).results);
    expect(await ask("release from:ben")).toEqual([
      "release party tonight",
      "release note is at https://example.com/notes",
    ]);
    expect(await ask("release from:@nobody")).toEqual([]);
    expect(await ask("release in:#club")).toEqual(["release party tonight"]);
    expect(await ask("release is:reply")).toEqual(["release note is at https://example.com/notes"]);
    expect(await ask("release has:link")).toEqual(["release note is at https://example.com/notes"]);
    expect(await ask('"release note" -where')).toEqual([
      "release note is at https://example.com/notes",
    ]);
    expect(await ask("release in:lobby")).toHaveLength(2);
    // The request's room and in: together: a room must be both.
    expect(
      texts((await olga.must("search", { query: "release in:club", room: "lobby" })).results),
    ).toEqual([]);
  });

  it("answers no results for a query with nothing to search for, and refuses a malformed request", async () => {
    const { olga } = await world();
    await say(olga, "lobby", "anything");
    expect(await olga.must("search", { query: "   " })).toEqual({
      ok: true,
      results: [],
      hasMore: false,
    });
    expect(await olga.ask("search", { query: "x".repeat(501) })).toMatchObject({
      ok: false,
      error: { code: "invalid_payload" },
    });
    expect(await olga.ask("search", { query: 42 } as unknown as { query: string })).toMatchObject({
      ok: false,
      error: { code: "invalid_payload" },
    });
  });

  it("reflects edits and deletes, and shows the person's own reactions", async () => {
    const { olga, ben } = await world();
    const message = await say(olga, "lobby", "meet at the harbour");
    await ben.must("reaction:add", { room: "lobby", id: message.id, emoji: "👍" });
    const [hit] = (await ben.must("search", { query: "harbour" })).results;
    expect(hit?.message.reactions).toEqual([{ emoji: "👍", count: 1, me: true }]);
    await olga.must("message:edit", { room: "lobby", id: message.id, text: "meet at the station" });
    expect((await ben.must("search", { query: "harbour" })).results).toEqual([]);
    expect(texts((await ben.must("search", { query: "station" })).results)).toEqual([
      "meet at the station",
    ]);
    await olga.must("message:delete", { room: "lobby", id: message.id });
    expect((await ben.must("search", { query: "station" })).results).toEqual([]);
  });

  it("a removed member finds nothing of the private room; a banned one nothing of the public room, and still a full page of the rest", async () => {
    const { olga, ben } = await world();
    await say(olga, "club", "budget numbers for the club");
    expect(texts((await ben.must("search", { query: "budget" })).results)).toHaveLength(1);
    await olga.must("member:kick", { room: "club", userId: ben.user.id });
    expect((await ben.must("search", { query: "budget" })).results).toEqual([]);

    // "open" is public: the store finds its messages for Ben, and `can` refuses them.
    await olga.must("room:create", { room: "open", visibility: "public" });
    for (let i = 0; i < 3; i++) await say(olga, "lobby", `budget lobby ${i}`);
    await ben.must("room:join", { room: "open" });
    await olga.must("room:join", { room: "open" });
    for (let i = 0; i < 7; i++) await say(olga, "open", `budget open ${i}`);
    await olga.must("member:ban", { room: "open", userId: ben.user.id });
    const page = await ben.must("search", { query: "budget", limit: 3 });
    expect(texts(page.results)).toEqual(["budget lobby 2", "budget lobby 1", "budget lobby 0"]);
    expect(page.results.every((hit) => hit.message.room === "lobby")).toBe(true);
  });

  it("pages with before, newest or best first, without repeating a hit", async () => {
    const { olga } = await world();
    for (let i = 0; i < 7; i++) await say(olga, "lobby", `ticket ${i} ${"ticket ".repeat(i % 3)}`);
    for (const order of ["newest", "best"] as const) {
      const seen: string[] = [];
      let before: string | undefined;
      for (let pages = 0; pages < 5; pages++) {
        const page = await olga.must("search", {
          query: "ticket",
          limit: 3,
          order,
          ...(before ? { before } : {}),
        });
        seen.push(...page.results.map((hit) => hit.message.id));
        if (!page.hasMore) break;
        before = page.results.at(-1)?.message.id;
      }
      expect(new Set(seen).size).toBe(7);
      expect(seen).toHaveLength(7);
    }
  });
});

describe("search's budget", () => {
  it("spends the history budget: a burst of searches from one address is refused with a retry", async () => {
    const deployment = await sqliteDeployment({
      limits: { historyBytesPerIpPerSecond: 4 * 1024, historyByteBurstPerIp: 4 * 1024 },
    });
    try {
      const olga = await guest(deployment.servers[0] as ChatTestServer, "Olga");
      const answers = [];
      for (let i = 0; i < 12; i++) answers.push(await olga.ask("search", { query: "anything" }));
      expect(answers.filter((a) => a.ok).length).toBeLessThan(12);
      expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: "rate_limited" } });
    } finally {
      await deployment.dispose();
    }
  });
});
