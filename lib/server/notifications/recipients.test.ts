import { describe, expect, it } from "vitest";
import type { NotificationLevel, RoomVisibility } from "../../shared/protocol";
import { type Candidate, editedRecipients, type NotifiedMessage, recipientsOf } from "./recipients";

const person = (
  userId: string,
  level: NotificationLevel = "mentions",
  extra: Partial<Candidate> = {},
): Candidate => ({ userId, level, mayRead: true, online: false, ...extra });

const message = (extra: Partial<NotifiedMessage> = {}): NotifiedMessage => ({
  authorId: "author",
  visibility: "public",
  deleted: false,
  mentions: [],
  ...extra,
});

describe("recipientsOf: level × kind of message", () => {
  type Row = {
    kind: string;
    visibility?: RoomVisibility;
    mentions?: string[];
    mentionsAll?: "room" | "here";
    online?: boolean;
    expected: Record<NotificationLevel, string | null>;
  };
  const rows: Row[] = [
    { kind: "a plain message", expected: { all: "message", mentions: null, nothing: null } },
    {
      kind: "a direct message",
      visibility: "direct",
      expected: { all: "direct", mentions: "direct", nothing: null },
    },
    {
      kind: "a mention of them",
      mentions: ["bea"],
      expected: { all: "mention", mentions: "mention", nothing: null },
    },
    {
      kind: "a mention of someone else",
      mentions: ["cai"],
      expected: { all: "message", mentions: null, nothing: null },
    },
    {
      kind: "@room",
      mentionsAll: "room",
      expected: { all: "room", mentions: "room", nothing: null },
    },
    {
      kind: "@here while online",
      mentionsAll: "here",
      online: true,
      expected: { all: "here", mentions: "here", nothing: null },
    },
    {
      kind: "@here while offline",
      mentionsAll: "here",
      expected: { all: "message", mentions: null, nothing: null },
    },
    {
      kind: "a mention in a private room",
      visibility: "private",
      mentions: ["bea"],
      expected: { all: "mention", mentions: "mention", nothing: null },
    },
  ];
  for (const row of rows)
    for (const level of ["all", "mentions", "nothing"] as const)
      it(`${row.kind}, at level ${level}: ${row.expected[level] ?? "not notified"}`, () => {
        const got = recipientsOf(
          message({
            ...(row.visibility ? { visibility: row.visibility } : {}),
            mentions: row.mentions ?? [],
            mentionsAll: row.mentionsAll,
          }),
          [person("bea", level, { online: row.online ?? false })],
        );
        expect(got).toEqual(
          row.expected[level] ? [{ userId: "bea", reason: row.expected[level] }] : [],
        );
      });
});

describe("recipientsOf: who is never notified", () => {
  it("not the author, even mentioning themselves at level all", () => {
    expect(
      recipientsOf(message({ mentions: ["author"], mentionsAll: "room" }), [
        person("author", "all"),
      ]),
    ).toEqual([]);
  });
  it("not someone who may not read the room, even mentioned", () => {
    expect(
      recipientsOf(message({ mentions: ["bea"] }), [person("bea", "all", { mayRead: false })]),
    ).toEqual([]);
  });
  it("nobody for a deleted message", () => {
    expect(
      recipientsOf(message({ deleted: true, mentionsAll: "room" }), [person("bea", "all")]),
    ).toEqual([]);
  });
  it("each person once, whatever the list repeats", () => {
    expect(
      recipientsOf(message({ mentions: ["bea"] }), [person("bea"), person("bea", "all")]),
    ).toEqual([{ userId: "bea", reason: "mention" }]);
  });
});

describe("editedRecipients", () => {
  it("notifies only the newly mentioned and withdraws from those no longer mentioned", () => {
    const before = new Set(["bea", "cai"]);
    const now = [
      { userId: "bea", reason: "mention" as const },
      { userId: "dan", reason: "mention" as const },
    ];
    expect(editedRecipients(before, now)).toEqual({
      added: [{ userId: "dan", reason: "mention" }],
      withdrawn: ["cai"],
    });
  });
  it("changes nothing when the edit keeps the same people", () => {
    expect(editedRecipients(new Set(["bea"]), [{ userId: "bea", reason: "mention" }])).toEqual({
      added: [],
      withdrawn: [],
    });
  });
});
