import { describe, expect, it } from "vitest";
import { isOriginAllowed } from "./origin-policy";

const LISTED = ["https://app.example.org"];

describe("which origins may open a socket", () => {
  it.each([
    ["no Origin: not a browser page", undefined, "chat.example.org", true],
    ["the server's own page", "https://chat.example.org", "chat.example.org", true],
    [
      "its own page, default port written out",
      "https://chat.example.org",
      "chat.example.org:443",
      true,
    ],
    ["its own page on a port", "http://127.0.0.1:3000", "127.0.0.1:3000", true],
    ["hosts compare without case", "https://Chat.Example.org", "chat.example.org", true],
    ["a listed origin", "https://app.example.org", "chat.example.org", true],
    ["a foreign origin", "https://evil.example", "chat.example.org", false],
    ["the same host on another port", "http://127.0.0.1:3001", "127.0.0.1:3000", false],
    ["a look-alike suffix", "https://chat.example.org.evil.example", "chat.example.org", false],
    ["a look-alike prefix", "https://evilchat.example.org", "chat.example.org", false],
    ["a listed origin's other scheme", "http://app.example.org", "chat.example.org", false],
    ["an opaque origin (sandboxed frame, file:)", "null", "chat.example.org", false],
    ["not a URL at all", "chat.example.org", "chat.example.org", false],
    ["a non-web scheme", "chrome-extension://abc", "abc", false],
    ["no Host header to compare with", "https://chat.example.org", undefined, false],
  ] as const)("%s", (_name, origin, host, allowed) => {
    expect(isOriginAllowed(origin, host, LISTED)).toBe(allowed);
  });
});
