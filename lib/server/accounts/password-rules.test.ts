import { describe, expect, it } from "vitest";
import { COMMON_PASSWORDS } from "./common-passwords";
import { MIN_PASSWORD_LENGTH, passwordProblem } from "./password-rules";

describe("passwordProblem", () => {
  it.each([
    ["short", "abc123", /at least 8/],
    ["common", "password123", /most common/],
    ["common in capitals", "PassWord123", /most common/],
    ["one character repeated", "zzzzzzzzzzzz", /most common/],
    ["the whole address", "ana@example.com", /email address/],
    ["the address's local part", "ANA.SOUSA", /email address/],
    ["the display name", "Ana Sousa Lima", /your name/],
    ["too long", `${"x".repeat(129)}y`, /at most 128/],
  ])("refuses %s", (_case, password, problem) => {
    expect(
      passwordProblem(password, { email: "ana.sousa@example.com", name: "Ana Sousa Lima" }) ??
        passwordProblem(password, { email: "ana@example.com" }),
    ).toMatch(problem);
  });

  it.each(["correct horse battery staple", "tr0mbone-galaxy", "çãoé-ünïcødé", "12345678x!q"])(
    "accepts %s (no composition rules)",
    (password) => {
      expect(passwordProblem(password, { email: "ana@example.com", name: "Ana" })).toBeNull();
    },
  );

  it("lists only passwords that the length rule alone would let through", () => {
    for (const password of COMMON_PASSWORDS) {
      expect(password.length).toBeGreaterThanOrEqual(MIN_PASSWORD_LENGTH);
      expect(passwordProblem(password)).toMatch(/most common/);
    }
  });
});
