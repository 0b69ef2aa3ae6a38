import { describe, expect, it } from "vitest";
import type { User } from "../../shared/protocol";
import { lookupPrefixes, MAX_MENTION_LOOKUPS, resolveMentions } from "./resolve-mentions";

const members: User[] = [
  { id: "ana", name: "Ana" },
  { id: "bea", name: "Bea Ng" },
  { id: "zoe", name: "Zoë" },
  { id: "emile", name: "Émile" },
];

/** A member store over a list, counting its lookups; folds case fully (as Postgres would). */
function fakeMembers() {
  const asked: string[] = [];
  return {
    asked,
    async findByName(_room: string, prefix: string, limit: number) {
      asked.push(prefix);
      return members
        .filter((m) => m.name.toLowerCase().startsWith(prefix.toLowerCase()))
        .slice(0, limit);
    },
  };
}

const resolve = (text: string, mayAll = false, authorId = "ana") => {
  const store = fakeMembers();
  return resolveMentions(store, { room: "r", text, authorId }, async () => mayAll).then(
    (mentions) => ({ mentions, asked: store.asked }),
  );
};

describe("lookupPrefixes", () => {
  it.each<[string, string[]]>([
    ["Bea", ["Bea"]],
    ["zoë", ["zo"]],
    ["zoe\u0308", ["zo"]],
    ["émile", ["é", "É"]],
    ["李小龙", ["李小龙"]],
    ["🦊", ["🦊"]],
  ])("%s", (word, expected) => {
    expect(lookupPrefixes(word)).toEqual(expected);
  });
});

describe("resolveMentions", () => {
  it("costs nothing for a text without @", async () => {
    expect(await resolve("hello Bea")).toEqual({ mentions: undefined, asked: [] });
  });

  it("names members by their full names, never the author", async () => {
    const { mentions } = await resolve("@bea ng and @Ana and @émile @Zoë");
    expect(mentions).toEqual({ userIds: ["bea", "emile", "zoe"], all: null });
  });

  it("takes @room and @here only from those who may", async () => {
    expect((await resolve("@room look", false)).mentions).toBeUndefined();
    expect((await resolve("@here look", true)).mentions).toEqual({ userIds: [], all: "here" });
    expect((await resolve("@Bea Ng @room", false)).mentions).toEqual({
      userIds: ["bea"],
      all: null,
    });
  });

  it("looks up a bounded number of words", async () => {
    const text = Array.from({ length: 200 }, (_, i) => `@w${i}`).join(" ");
    const { asked } = await resolve(text);
    expect(asked.length).toBeLessThanOrEqual(MAX_MENTION_LOOKUPS);
  });

  it("asks nothing for an @ in code or an email", async () => {
    expect(await resolve("`@Bea` bea@example.com")).toEqual({ mentions: undefined, asked: [] });
  });
});
