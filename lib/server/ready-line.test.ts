import { describe, expect, it } from "vitest";
import { browserUrl, readyLine } from "./ready-line";

describe("the ready line", () => {
  it.each([
    // host, port, isTTY, line
    ["0.0.0.0", 3000, true, "Scrollback is ready on http://localhost:3000"],
    ["0.0.0.0", 3000, false, null],
    ["127.0.0.1", 8080, true, "Scrollback is ready on http://127.0.0.1:8080"],
    ["chat.example.org", 443, true, "Scrollback is ready on http://chat.example.org:443"],
    ["::", 3000, true, "Scrollback is ready on http://localhost:3000"],
    ["::1", 3001, true, "Scrollback is ready on http://[::1]:3001"],
    ["::1", 3001, false, null],
  ] as const)("listening on %s:%i, stdout a terminal: %s → %s", (host, port, isTTY, line) => {
    expect(readyLine({ host, port, isTTY })).toBe(line);
  });

  it.each([
    ["0.0.0.0", "http://localhost:3000"],
    ["[::]", "http://localhost:3000"],
    ["localhost", "http://localhost:3000"],
    ["fe80::1", "http://[fe80::1]:3000"],
    ["[fe80::1]", "http://[fe80::1]:3000"],
  ])("a browser opens a server on %s at %s", (host, url) => {
    expect(browserUrl(host, 3000)).toBe(url);
  });
});
