import { describe, expect, it } from "vitest";
import { markMentions, mentionsReader } from "./mention-marks";

const marks = {
  people: [
    { id: "me", name: "Mia" },
    { id: "ben", name: "Ben Li" },
  ],
  selfId: "me",
  all: false,
};

describe("markMentions", () => {
  it("splits text into plain runs and mentions of the reader and of others", () => {
    expect(markMentions("hi @mia and @Ben Li!", marks)).toEqual([
      { kind: "text", text: "hi " },
      { kind: "self", text: "@mia" },
      { kind: "text", text: " and " },
      { kind: "other", text: "@Ben Li" },
      { kind: "text", text: "!" },
    ]);
  });

  it("marks @room only when it took effect", () => {
    expect(markMentions("@room go", marks)).toEqual([{ kind: "text", text: "@room go" }]);
    expect(markMentions("@room go", { ...marks, all: true })).toEqual([
      { kind: "all", text: "@room" },
      { kind: "text", text: " go" },
    ]);
  });

  it("leaves text without marks as it is", () => {
    expect(markMentions("@mia", undefined)).toEqual([{ kind: "text", text: "@mia" }]);
    expect(markMentions("@Zed", marks)).toEqual([{ kind: "text", text: "@Zed" }]);
  });
});

describe("mentionsReader", () => {
  const from = (id: string, more: object = {}) => ({ author: { id }, ...more });
  it.each<[string, Parameters<typeof mentionsReader>[0], boolean]>([
    ["named", from("ben", { mentions: ["me"] }), true],
    ["someone else named", from("ben", { mentions: ["zed"] }), false],
    ["@room by someone else", from("ben", { mentionsAll: "room" }), true],
    ["their own message", from("me", { mentions: ["me"], mentionsAll: "here" }), false],
    ["no mentions", from("ben"), false],
  ])("%s", (_name, message, expected) => {
    expect(mentionsReader(message, "me")).toBe(expected);
  });
});
