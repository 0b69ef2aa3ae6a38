import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ChatTestServer } from "../testing/chat-test-server";
import { upgrade } from "../testing/raw-client";

/**
 * A client must not be able to write the server's log: refused handshakes
 * with a huge Origin, as fast as it can send them, leave a few short lines.
 */
let server: ChatTestServer;
afterEach(async () => {
  await server.dispose();
});

function capturedLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: "warn" }, stream), lines };
}

describe("the log, under a flood of refused handshakes", () => {
  it("holds a few short lines, not one line with the whole header per request", async () => {
    const { logger, lines } = capturedLog();
    server = await ChatTestServer.start({ logger });
    const origin = `https://${"a".repeat(8 * 1024)}.example`;

    const answers = await Promise.all(
      Array.from({ length: 500 }, () => upgrade(server.url, { origin })),
    );
    expect(answers.every((a) => a.status === 400)).toBe(true);

    const refusals = lines.filter((l) => l.includes("handshake refused: foreign origin"));
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.length).toBeLessThanOrEqual(10);
    const bytes = lines.reduce((sum, l) => sum + l.length, 0);
    expect(bytes).toBeLessThan(8 * 1024);
    // What is logged still names the origin, cut, with its length.
    expect(JSON.parse(refusals[0] as string).origin).toMatch(
      new RegExp(`^https://a+… \\(${origin.length} characters\\)$`),
    );
  });
});
