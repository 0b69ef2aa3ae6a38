import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT, ServerProcess } from "./testing/server-process";

/**
 * A server that cannot start says why in one sentence an operator can act
 * on — the variable or the address, and what is wrong — and exits, instead
 * of printing a stack trace with a bare error code.
 */

const COMPOSITION_ROOT = join(PROJECT_ROOT, "server.ts");
/** server.ts without Next.js, for failures that come after the pages would be prepared. */
const CHAT_SERVER = join(PROJECT_ROOT, "lib/server/testing/chat-server-process.ts");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function failureOf(entry: string, env: Record<string, string>): Promise<string> {
  return ServerProcess.start({ args: ["--import", "tsx", entry], env }).then(
    async (server) => {
      await server.dispose();
      return "it started";
    },
    (error: Error) => error.message,
  );
}

describe("a server that cannot start", () => {
  it.each([
    [
      "HOST that is neither an address nor a name",
      { HOST: "999.1.1.1" },
      'HOST: "999.1.1.1" is neither an IP address',
    ],
    [
      "HOST that does not resolve",
      { HOST: "no-such-host.invalid" },
      'HOST: "no-such-host.invalid" does not resolve to an address (ENOTFOUND)',
    ],
    [
      "an output limit of one byte",
      { MAX_BUFFERED_BYTES_PER_CONNECTION: "1" },
      "MAX_BUFFERED_BYTES_PER_CONNECTION: must be at least",
    ],
  ])(
    "with %s says so and exits",
    async (_, env, expected) => {
      const failure = await failureOf(COMPOSITION_ROOT, env);
      expect(failure).toMatch(/^server exited with 1:\nInvalid configuration:\n {2}/);
      expect(failure).toContain(expected);
      expect(failure).not.toMatch(/\n\s+at |getaddrinfo/);
    },
    30_000,
  );

  it("on an address that is not this machine's says so and exits", async () => {
    const failure = await failureOf(CHAT_SERVER, { HOST: "192.0.2.1" });
    expect(failure).toContain("Cannot listen on 192.0.2.1:");
    expect(failure).toContain("192.0.2.1 is not an address of this machine (EADDRNOTAVAIL)");
    expect(failure).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("on a port another process holds says so and exits", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const port = String((holder.address() as { port: number }).port);

    const failure = await failureOf(CHAT_SERVER, { PORT: port });
    expect(failure).toContain(
      `Cannot listen on 127.0.0.1:${port}: another process uses that port (EADDRINUSE)`,
    );
    expect(failure).not.toMatch(/\n\s+at /);
  }, 30_000);
});
