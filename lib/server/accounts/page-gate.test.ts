import { describe, expect, it } from "vitest";
import { gatedPath, signInRedirect } from "./page-gate";

describe("gatedPath", () => {
  it.each([
    ["/sign-in", "open"],
    ["/sign-up", "open"],
    ["/reset-password", "open"],
    ["/_next/static/chunks/app.js", "open"],
    ["/api/auth/sign-in/email", "open"],
    ["/favicon.ico", "open"],
    ["/", "page"],
    ["/chat/general", "page"],
    ["/account", "page"],
    ["/admin", "page"],
    ["/sign-in/../chat/x", "page"],
    ["/api/rooms", "api"],
    ["/api/bot-tokens", "api"],
    ["/api/authx", "api"],
    ["/emoji-data/en/data.json", "page"],
  ] as const)("%s is %s", (path, expected) => {
    expect(gatedPath(path)).toBe(expected);
  });
});

describe("signInRedirect", () => {
  it.each([
    ["/", "/sign-in"],
    ["/chat/general", "/sign-in?next=%2Fchat%2Fgeneral"],
    ["/chat/a?x=1", "/sign-in?next=%2Fchat%2Fa%3Fx%3D1"],
    ["//evil.example/", "/sign-in"],
    ["https://evil.example/", "/sign-in"],
  ])("%s → %s", (from, to) => {
    expect(signInRedirect(from)).toBe(to);
  });
});
