import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { clipForLog, limitRepeats, MAX_LOGGED_VALUE_LENGTH } from "./log-guard";

/** A real pino logger writing JSON lines into an array. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

describe("clipForLog", () => {
  it.each([
    ["a short value", "https://chat.example.org", "https://chat.example.org"],
    ["nothing", undefined, undefined],
    ["a header sent twice", ["a", "b"], "a, b"],
    ["a number", 42, "42"],
  ])("keeps %s as it is", (_case, value, expected) => {
    expect(clipForLog(value)).toBe(expected);
  });

  it("cuts a long value and says how long it was", () => {
    const clipped = clipForLog(`https://${"a".repeat(8192)}.example`) ?? "";
    expect(clipped.length).toBeLessThan(MAX_LOGGED_VALUE_LENGTH + 32);
    expect(clipped).toMatch(/^https:\/\/a+… \(8208 characters\)$/);
  });

  it("never cuts a character in half", () => {
    const clipped = clipForLog("🦊".repeat(300), 5) ?? "";
    expect(clipped.startsWith("🦊🦊…")).toBe(true);
    expect(clipped.isWellFormed()).toBe(true);
  });
});

describe("limitRepeats", () => {
  it("writes a few of each warning per window, then one line counting the rest", async () => {
    const { logger, lines } = capturedLogger();
    const warnings = limitRepeats(logger, { perWindow: 3, windowMs: 100 });
    for (let i = 0; i < 1000; i++) warnings.warn({ n: i }, "handshake refused: foreign origin");
    warnings.warn({ n: 0 }, "something else");

    expect(lines.map((l) => [l.msg, l.n])).toEqual([
      ["handshake refused: foreign origin", 0],
      ["handshake refused: foreign origin", 1],
      ["handshake refused: foreign origin", 2],
      ["something else", 0],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines.slice(4)).toEqual([
      expect.objectContaining({
        level: 40,
        msg: "handshake refused: foreign origin (997 more suppressed)",
        suppressed: 997,
      }),
    ]);

    // A new window writes again from the start.
    warnings.warn({ n: 1000 }, "handshake refused: foreign origin");
    expect(lines.at(-1)).toMatchObject({ msg: "handshake refused: foreign origin", n: 1000 });
  });

  it("writes no summary when nothing was suppressed", async () => {
    const { logger, lines } = capturedLogger();
    const warnings = limitRepeats(logger, { perWindow: 3, windowMs: 50 });
    warnings.warn({}, "once");
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(lines.map((l) => l.msg)).toEqual(["once"]);
  });
});
