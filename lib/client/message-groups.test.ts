import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../shared/protocol";
import { GROUP_GAP_MS, startsGroup } from "./message-groups";

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function message(
  seq: number,
  authorId: string,
  at: number,
  name = `Name of ${authorId}`,
): ChatMessage {
  return {
    id: `id-${seq}`,
    room: "general",
    seq,
    clientId: `c-${seq}`,
    author: { id: authorId, name },
    text: `text ${seq}`,
    createdAt: new Date(at).toISOString(),
    rev: 1,
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
  };
}

describe("startsGroup", () => {
  it.each<[string, ChatMessage | undefined, ChatMessage, boolean]>([
    ["the first message", undefined, message(1, "a", T0), true],
    ["the same author a minute later", message(1, "a", T0), message(2, "a", T0 + 60_000), false],
    ["the same author at the same instant", message(1, "a", T0), message(2, "a", T0), false],
    [
      "the same author just within the gap",
      message(1, "a", T0),
      message(2, "a", T0 + GROUP_GAP_MS),
      false,
    ],
    [
      "the same author just past the gap",
      message(1, "a", T0),
      message(2, "a", T0 + GROUP_GAP_MS + 1),
      true,
    ],
    ["another author", message(1, "a", T0), message(2, "b", T0 + 1_000), true],
    [
      "the same person under a new name",
      message(1, "a", T0, "Ana"),
      message(2, "a", T0 + 1_000, "Ana Souza"),
      true,
    ],
    ["a clock that went backwards", message(1, "a", T0), message(2, "a", T0 - 1_000), true],
  ])("%s → %s", (_case, previous, current, expected) => {
    expect(startsGroup(previous, current)).toBe(expected);
  });
});
