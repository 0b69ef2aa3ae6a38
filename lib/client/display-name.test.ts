import { describe, expect, it } from "vitest";
import { displayNameSchema } from "../shared/protocol";
import { clipDisplayName } from "./display-name";

describe("clipDisplayName", () => {
  it.each([
    ["Ana", "Ana"],
    ["x".repeat(32), "x".repeat(32)],
    ["x".repeat(40), "x".repeat(32)],
    // 32 emoji are 64 UTF-16 units, and 32 characters to the server.
    ["😀".repeat(32), "😀".repeat(32)],
    ["😀".repeat(33), "😀".repeat(32)],
    // Spaces around the name are trimmed by the server, so they do not count.
    [`  ${"x".repeat(32)}  `, `  ${"x".repeat(32)}  `],
    [`  ${"x".repeat(33)}`, `  ${"x".repeat(32)}`],
  ])("%#: %j becomes %j", (typed, expected) => {
    expect(clipDisplayName(typed)).toBe(expected);
  });

  it("never lets through a name too long for the server", () => {
    for (const typed of ["y".repeat(100), ` ${"é".repeat(50)} `, "👍🏽".repeat(20)]) {
      expect(displayNameSchema.safeParse(clipDisplayName(typed)).success).toBe(true);
    }
  });
});
