import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT, ServerProcess } from "./server-process";

/**
 * The test server process is server.ts's own composition (run-server.ts) with
 * stand-in pages, so what it serves follows production's configuration. It
 * once re-wired the instance by hand and silently dropped METRICS_TOKEN.
 */
const CHAT_SERVER = join(PROJECT_ROOT, "lib/server/testing/chat-server-process.ts");
const TOKEN = "metrics-token-for-the-process-test";

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

describe("the chat server process the crash tests run", () => {
  it("guards /metrics with METRICS_TOKEN, as server.ts does", async () => {
    server = await ServerProcess.start({
      args: ["--import", "tsx", CHAT_SERVER],
      env: { METRICS_TOKEN: TOKEN },
    });
    const anonymous = await fetch(`${server.url}/metrics`);
    await anonymous.body?.cancel();
    expect(anonymous.status).toBe(401);
    const authorised = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(authorised.status).toBe(200);
    expect(await authorised.text()).toContain("scrollback_");
  }, 30_000);

  it("drains and exits cleanly on SIGTERM, as server.ts does", async () => {
    server = await ServerProcess.start({ args: ["--import", "tsx", CHAT_SERVER] });
    const child = server.childProcess;
    const exited = new Promise<number | null>((resolve) =>
      child?.once("exit", (code) => resolve(code)),
    );
    await server.stop("SIGTERM");
    expect(await exited).toBe(0);
  }, 30_000);
});
