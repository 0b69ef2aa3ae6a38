import { describe, expect, it } from "vitest";
import {
  expiredCookie,
  presentedIdentityCookie,
  readCookies,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
  sessionCookie,
  shadowingCookiePaths,
} from "./cookies";

describe("readCookies", () => {
  it.each([
    ["no header", undefined, []],
    ["an empty header", "", []],
    ["only the cookie", "scrollback_session=abc", ["abc"]],
    ["the cookie among others", "theme=dark; scrollback_session=abc; lang=pt", ["abc"]],
    ["no space after the separator", "theme=dark;scrollback_session=abc", ["abc"]],
    ["spaces around the value", "scrollback_session= abc ", ["abc"]],
    ["a cookie whose name ends the same", "xscrollback_session=abc", []],
    ["a cookie whose name starts the same", "scrollback_session_old=abc", []],
    ["the prefixed name, which is another name", "__Host-scrollback_session=abc", []],
    ["a part without '='", "flag; scrollback_session=abc", ["abc"]],
    ["'=' inside the value", "scrollback_session=a=b", ["a=b"]],
    ["a quoted value", 'scrollback_session="abc"', ["abc"]],
    ["a percent-encoded value", "scrollback_session=a%2Eb%20c", ["a.b c"]],
    ["a malformed percent-encoding, which still counts", "scrollback_session=%E0%A4%A", [""]],
    [
      "two cookies of the name, in the order sent",
      "scrollback_session=one; scrollback_session=two",
      ["one", "two"],
    ],
    ["an empty value", "scrollback_session=", [""]],
  ])("with %s", (_case, header, expected) => {
    expect(readCookies(header, SESSION_COOKIE)).toEqual(expected);
  });
});

describe("presentedIdentityCookie", () => {
  const plain = "scrollback_session";
  const prefixed = "__Host-scrollback_session";
  it.each([
    ["nothing", "", { kind: "none" }],
    ["one cookie of the old name", `${plain}=a`, { kind: "one", name: plain, value: "a" }],
    [
      "a cookie planted at a longer path, sent first",
      `${plain}=attacker; ${plain}=mine`,
      { kind: "ambiguous", name: plain },
    ],
    ["one prefixed cookie", `${prefixed}=a`, { kind: "one", name: prefixed, value: "a" }],
    [
      "the prefixed cookie beside an old-name one: the prefixed decides",
      `${plain}=attacker; ${prefixed}=mine`,
      { kind: "one", name: prefixed, value: "mine" },
    ],
    [
      "two prefixed cookies, which only a non-browser sends",
      `${prefixed}=a; ${prefixed}=b`,
      { kind: "ambiguous", name: prefixed },
    ],
  ])("%s", (_case, header, expected) => {
    expect(presentedIdentityCookie(header)).toEqual(expected);
  });
});

describe("sessionCookie", () => {
  const attributes = (cookie: string) => cookie.split("; ").slice(1);
  const token =
    "sbc1.3f1c2a9e-8b7d-4c6e-9a5f-0123456789ab.0.tfwz1s.zvsQXuIplvsWftYGR40pMbh6o6uZtLBLaMT8Fsi0mjA";

  it("over HTTP: the old name, HttpOnly, SameSite=Lax, for the whole site, for a year", () => {
    const cookie = sessionCookie(token, { secure: false });
    expect(cookie.startsWith(`${SESSION_COOKIE}=${token}; `)).toBe(true);
    expect(attributes(cookie)).toEqual([
      "Path=/",
      `Max-Age=${365 * 24 * 60 * 60}`,
      "HttpOnly",
      "SameSite=Lax",
    ]);
  });

  it("over HTTPS: the __Host- name, Secure, Path=/ and no Domain, as the prefix demands", () => {
    const cookie = sessionCookie(token, { secure: true });
    expect(cookie.startsWith(`${SECURE_SESSION_COOKIE}=${token}; `)).toBe(true);
    expect(attributes(cookie)).toEqual(expect.arrayContaining(["Path=/", "Secure", "HttpOnly"]));
    expect(cookie).not.toMatch(/domain=/i);
  });

  it("reads back as the token it carries", () => {
    for (const value of [token, "odd value; with=signs,and spaces"]) {
      const [pair] = sessionCookie(value, { secure: false }).split("; ");
      expect(readCookies(pair, SESSION_COOKIE)).toEqual([value]);
    }
  });

  it("is expired by a cookie of the same name and path with Max-Age=0", () => {
    expect(expiredCookie(SESSION_COOKIE, "/socket.io", { secure: false })).toBe(
      "scrollback_session=; Path=/socket.io; Max-Age=0; HttpOnly; SameSite=Lax",
    );
    expect(expiredCookie(SECURE_SESSION_COOKIE, "/", { secure: false })).toContain("Secure");
  });
});

describe("shadowingCookiePaths", () => {
  it.each([
    ["/", []],
    ["/socket.io/", ["/socket.io", "/socket.io/"]],
    ["/chat/general", ["/chat", "/chat/", "/chat/general"]],
    ["not a path", []],
  ])("for %s", (path, expected) => {
    expect(shadowingCookiePaths(path)).toEqual(expected);
  });

  it("stays bounded for a made-up deep path", () => {
    expect(shadowingCookiePaths("/a".repeat(1000)).length).toBeLessThanOrEqual(16);
  });
});
