import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toEmoji } from "./emoji";

describe("toEmoji", () => {
  it.each([
    ["👍", "👍"],
    ["👍🏽", "👍🏽"],
    ["👨‍👩‍👧‍👦", "👨‍👩‍👧‍👦"],
    ["🇵🇹", "🇵🇹"],
    ["🏳️‍🌈", "🏳️‍🌈"],
    ["❤️", "❤️"],
    ["❤", "❤️"],
    ["☺", "☺️"],
  ])("accepts %s as %s", (input, stored) => {
    expect(toEmoji(input)).toBe(stored);
  });

  it.each([
    [""],
    ["a"],
    ["👍👍"],
    ["👍 "],
    [" 👍"],
    ["\u200d"],
    ["1"],
    ["#"],
    ["<script>"],
    ["👍".repeat(40)],
  ])("refuses %j", (input) => {
    expect(toEmoji(input)).toBeNull();
  });

  it("never accepts text with a letter or digit beside an emoji", () => {
    fc.assert(
      fc.property(fc.constantFrom("👍", "❤️", "🇵🇹"), fc.string({ minLength: 1 }), (emoji, text) => {
        fc.pre(/[\p{L}\p{N}]/u.test(text));
        expect(toEmoji(emoji + text)).toBeNull();
        expect(toEmoji(text + emoji)).toBeNull();
      }),
    );
  });

  it("stores what it accepts as something it accepts unchanged", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8, unit: "grapheme" }), (text) => {
        const emoji = toEmoji(text);
        if (emoji !== null) expect(toEmoji(emoji)).toBe(emoji);
      }),
    );
  });
});
