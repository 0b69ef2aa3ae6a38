import { describe, expect, it } from "vitest";
import {
  type AuthFailure,
  authErrorText,
  DISABLED_TEXT,
  NO_CONNECTION_TEXT,
  RATE_LIMITED_TEXT,
  SERVER_TROUBLE_TEXT,
  safeNextPath,
  signInErrorText,
  UNVERIFIED_TEXT,
  WRONG_CREDENTIALS_TEXT,
} from "./auth-text";

describe("signInErrorText", () => {
  it.each<[string, AuthFailure, string]>([
    [
      "wrong password",
      { status: 401, code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" },
      WRONG_CREDENTIALS_TEXT,
    ],
    [
      "no such account, whatever the server says",
      { status: 404, message: "User not found" },
      WRONG_CREDENTIALS_TEXT,
    ],
    [
      "a malformed address",
      { status: 400, code: "INVALID_EMAIL", message: "Invalid email" },
      WRONG_CREDENTIALS_TEXT,
    ],
    [
      "rate limited, with the server's wait",
      {
        status: 429,
        code: "RATE_LIMITED",
        message: "Too many sign-in attempts; try again in 30 seconds.",
      },
      "Too many sign-in attempts; try again in 30 seconds.",
    ],
    ["rate limited, without words", { status: 429 }, RATE_LIMITED_TEXT],
    [
      "a disabled account",
      { status: 403, code: "BANNED_USER", message: "You have been banned" },
      DISABLED_TEXT,
    ],
    ["an address not yet confirmed", { status: 403, code: "EMAIL_NOT_VERIFIED" }, UNVERIFIED_TEXT],
    ["no answer", { status: 0 }, NO_CONNECTION_TEXT],
    ["the server failed", { status: 500, message: "stack trace here" }, SERVER_TROUBLE_TEXT],
  ])("%s", (_case, failure, expected) => {
    expect(signInErrorText(failure)).toBe(expected);
  });
});

describe("authErrorText", () => {
  it.each<[string, AuthFailure, string]>([
    [
      "a refused password says why",
      { status: 400, code: "PASSWORD_REFUSED", message: "That password is one of the most common" },
      "That password is one of the most common.",
    ],
    [
      "already a sentence",
      { status: 400, message: "Use at least 8 characters." },
      "Use at least 8 characters.",
    ],
    ["no words at all", { status: 400 }, "That did not work. Try again."],
    ["rate limited", { status: 429 }, RATE_LIMITED_TEXT],
    ["no answer", { status: 0 }, NO_CONNECTION_TEXT],
    ["the server failed", { status: 503, message: "database locked" }, SERVER_TROUBLE_TEXT],
    ["a disabled account", { status: 403, code: "BANNED_USER" }, DISABLED_TEXT],
  ])("%s", (_case, failure, expected) => {
    expect(authErrorText(failure)).toBe(expected);
  });
});

describe("safeNextPath", () => {
  it.each<[string, string | string[] | undefined | null, string | null]>([
    ["a room", "/chat/general", "/chat/general"],
    ["the account page", "/account", "/account"],
    ["with a query", "/chat/general?x=1", "/chat/general?x=1"],
    ["the first of several", ["/admin", "/account"], "/admin"],
    ["absent", undefined, null],
    ["null", null, null],
    ["empty", "", null],
    ["another origin", "https://evil.example/", null],
    ["protocol-relative", "//evil.example/", null],
    ["backslash that browsers read as a slash", "/\\evil.example", null],
    ["a tab browsers drop", "/\t/evil.example", null],
    ["a backslash further in", "/chat/\\x", null],
    ["a script URL", "javascript:alert(1)", null],
    ["relative", "chat/general", null],
    ["the auth API", "/api/auth/sign-out", null],
    ["the API root", "/api", null],
    ["too long", `/${"a".repeat(600)}`, null],
  ])("%s", (_case, value, expected) => {
    expect(safeNextPath(value)).toBe(expected);
  });
});
