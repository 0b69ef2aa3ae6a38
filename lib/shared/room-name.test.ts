import { describe, expect, it } from "vitest";
import { isRoomName, toRoomName } from "./room-name";

describe("room names", () => {
  it.each(["a", "general", "0day", "team_42", "x-y-z", "a".repeat(64)])("%s is a room", (name) => {
    expect(isRoomName(name)).toBe(true);
  });

  it.each(["", "-x", "_x", "General", "a b", "café", "a/b", "a".repeat(65), "a.b"])(
    "%j is not",
    (name) => {
      expect(isRoomName(name)).toBe(false);
    },
  );

  it("folds case and trims what a person typed", () => {
    expect(toRoomName("  Design-Team ")).toBe("design-team");
    expect(toRoomName("no spaces allowed")).toBeNull();
  });
});
