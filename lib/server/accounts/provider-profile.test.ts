import { describe, expect, it } from "vitest";
import { displayNameFromProfile, FALLBACK_ACCOUNT_NAME } from "./provider-profile";

describe("displayNameFromProfile", () => {
  it.each([
    ["the name claim", { name: "Ines Duarte", preferred_username: "ines" }, "Ines Duarte"],
    [
      "given and family names without a name",
      { given_name: "Ana", family_name: "Lima" },
      "Ana Lima",
    ],
    ["a given name alone", { given_name: "Ana" }, "Ana"],
    ["the username when no name is given", { preferred_username: "ines.d" }, "ines.d"],
    ["the nickname last", { nickname: "Nes" }, "Nes"],
    ["a blank name skipped", { name: "   ", preferred_username: "ines" }, "ines"],
    [
      "a long name cut at a word",
      { name: "Maria Fernanda de Souza Albuquerque Lima" },
      "Maria Fernanda de Souza",
    ],
    ["a long word cut where it must be", { name: "x".repeat(40) }, "x".repeat(32)],
    ["a name with a control character skipped", { name: "Ana\u0007", nickname: "Ana" }, "Ana"],
    ["claims that are not strings ignored", { name: 42, nickname: ["a"] }, FALLBACK_ACCOUNT_NAME],
    ["nothing usable", { email: "someone@example.test" }, FALLBACK_ACCOUNT_NAME],
  ])("uses %s", (_case, profile, expected) => {
    expect(displayNameFromProfile(profile)).toBe(expected);
  });
});
