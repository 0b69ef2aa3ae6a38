import { describe, expect, it } from "vitest";
import { readCookie, SESSION_COOKIE, sessionCookie } from "./cookies";

describe("readCookie", () => {
  it.each([
    ["no header", undefined, undefined],
    ["an empty header", "", undefined],
    ["only the cookie", "scrollback_session=abc", "abc"],
    ["the cookie among others", "theme=dark; scrollback_session=abc; lang=pt", "abc"],
    ["no space after the separator", "theme=dark;scrollback_session=abc", "abc"],
    ["spaces around the value", "scrollback_session= abc ", "abc"],
    ["a cookie whose name ends the same", "xscrollback_session=abc", undefined],
    ["a cookie whose name starts the same", "scrollback_session_old=abc", undefined],
    ["a part without '='", "flag; scrollback_session=abc", "abc"],
    ["'=' inside the value", "scrollback_session=a=b", "a=b"],
    ["a quoted value", 'scrollback_session="abc"', "abc"],
    ["a percent-encoded value", "scrollback_session=a%2Eb%20c", "a.b c"],
    ["a malformed percent-encoding", "scrollback_session=%E0%A4%A", undefined],
    [
      "two cookies of the name: the first wins",
      "scrollback_session=one; scrollback_session=two",
      "one",
    ],
    ["an empty value", "scrollback_session=", ""],
  ])("with %s", (_case, header, expected) => {
    expect(readCookie(header, SESSION_COOKIE)).toBe(expected);
  });
});

describe("sessionCookie", () => {
  const attributes = (cookie: string) => cookie.split("; ").slice(1);
  const token = "3f1c2a9e-8b7d-4c6e-9a5f-0123456789ab.zvsQXuIplvsWftYGR40pMbh6o6uZtLBLaMT8Fsi0mjA";

  it("is HttpOnly, SameSite=Lax, for the whole site, and lasts a year", () => {
    const cookie = sessionCookie(token, { secure: false });
    expect(cookie.startsWith(`${SESSION_COOKIE}=${token}; `)).toBe(true);
    expect(attributes(cookie)).toEqual([
      "Path=/",
      `Max-Age=${365 * 24 * 60 * 60}`,
      "HttpOnly",
      "SameSite=Lax",
    ]);
  });

  it("is Secure only when the page was served over HTTPS", () => {
    expect(attributes(sessionCookie(token, { secure: true }))).toContain("Secure");
    expect(attributes(sessionCookie(token, { secure: false }))).not.toContain("Secure");
  });

  it("reads back as the token it carries", () => {
    for (const value of [token, "odd value; with=signs,and spaces"]) {
      const [pair] = sessionCookie(value, { secure: false }).split("; ");
      expect(readCookie(pair, SESSION_COOKIE)).toBe(value);
    }
  });
});
