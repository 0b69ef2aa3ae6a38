import { describe, expect, it } from "vitest";
import { nameSkeleton } from "./skeleton";

describe("nameSkeleton", () => {
  it.each([
    ["a Cyrillic А for a Latin A", "Аlice", "Alice"],
    ["a Greek Ρ for a Latin P", "Ρaul", "Paul"],
    ["a whole name in Cyrillic letters that look Latin", "Аре", "Ape"],
    ["rn for m", "Sarn", "Sam"],
    ["a capital I for a small l", "AIice", "Alice"],
    ["a zero for a capital O", "B0B", "BOB"],
    ["mathematical bold letters", "𝐀𝐥𝐢𝐜𝐞", "Alice"],
    ["a decomposed accent for a precomposed one", "Jose\u0301", "José"],
    ["an invisible character inside", "An\u200ba", "Ana"],
    ["a Hangul filler after", "Ana\u3164", "Ana"],
  ])("equates names that differ by %s", (_case, a, b) => {
    expect(nameSkeleton(a)).toBe(nameSkeleton(b));
  });

  it.each([
    ["different names", "Alice", "Alicia"],
    ["upper and lower case", "Ana", "ana"],
    ["a word break", "Ana Souza", "AnaSouza"],
    ["an accent", "José", "Jose"],
    ["a different script's own name", "Сара", "Sara"],
  ])("keeps apart %s", (_case, a, b) => {
    expect(nameSkeleton(a)).not.toBe(nameSkeleton(b));
  });
});
