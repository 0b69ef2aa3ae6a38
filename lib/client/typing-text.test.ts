import { describe, expect, it } from "vitest";
import { typingText } from "./typing-text";

describe("typingText", () => {
  it.each<[string[], string]>([
    [[], ""],
    [["Ana"], "Ana is typing…"],
    [["Ana", "Bea"], "Ana and Bea are typing…"],
    [["Ana", "Bea", "Caio"], "Ana and 2 others are typing…"],
    [["Ana", "Bea", "Caio", "Dan", "Eve"], "Ana and 4 others are typing…"],
  ])("%j → %s", (names, expected) => {
    expect(typingText(names)).toBe(expected);
  });
});
