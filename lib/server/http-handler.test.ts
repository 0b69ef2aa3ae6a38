import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpHandler, type HttpHandlerDeps } from "./http-handler";
import { createIdentities } from "./identity/identities";
import { createTokenSigner } from "./identity/tokens";
import { silentLogger } from "./logger";
import { SqliteStore } from "./store/sqlite-store";
import { ChatTestServer, TEST_SECRET } from "./testing/chat-test-server";

describe("GET /healthz on the chat server", () => {
  let server: ChatTestServer;
  afterEach(async () => {
    await server.dispose();
  });

  it("answers 200 with a small JSON object, uncached, and sets no cookie", async () => {
    server = await ChatTestServer.start();
    const response = await fetch(`${server.url}/healthz`);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});

describe("createHttpHandler", () => {
  let http: Server | undefined;
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await new Promise((resolve) => http?.close(resolve));
    await store?.close();
  });

  /** The handler on a real port, with Next.js replaced by `pages`. */
  async function serve(overrides: Partial<HttpHandlerDeps>): Promise<string> {
    store = new SqliteStore(":memory:");
    const handler = createHttpHandler({
      pages: async (_req, res) => {
        res.end("page");
      },
      isAlive: () => true,
      readiness: async () => ({ ready: true, checks: {} }),
      identities: createIdentities(store, createTokenSigner(TEST_SECRET)),
      trustProxy: false,
      logger: silentLogger,
      ...overrides,
    });
    http = createServer(handler);
    await new Promise<void>((resolve) => http?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  it("reports 503 until the server is ready, then 200", async () => {
    let ready = false;
    const url = await serve({ isAlive: () => ready });

    const starting = await fetch(`${url}/healthz`);
    expect(starting.status).toBe(503);
    expect(await starting.json()).toEqual({ status: "starting" });

    ready = true;
    expect((await fetch(`${url}/healthz?probe=1`)).status).toBe(200);
    expect((await fetch(`${url}/healthz`, { method: "HEAD" })).status).toBe(200);
  });

  it("hands every other path to the app, with an identity cookie except on assets", async () => {
    const url = await serve({});
    const page = await fetch(`${url}/chat/general`);
    const asset = await fetch(`${url}/_next/static/chunk.js`);

    expect(await page.text()).toBe("page");
    expect(page.headers.getSetCookie()).toHaveLength(1);
    expect(await asset.text()).toBe("page");
    expect(asset.headers.getSetCookie()).toEqual([]);
  });

  it("marks the cookie Secure behind a trusted HTTPS proxy", async () => {
    const url = await serve({ trustProxy: true });
    const page = await fetch(`${url}/`, { headers: { "x-forwarded-proto": "https" } });
    await page.body?.cancel();
    expect(page.headers.getSetCookie()[0]).toMatch(/; Secure$/);
  });

  it("answers 500 when the app fails, and keeps serving", async () => {
    let fail = true;
    const url = await serve({
      pages: async (_req, res) => {
        if (fail) throw new Error("render failed");
        res.end("page");
      },
    });

    expect((await fetch(`${url}/broken`)).status).toBe(500);
    fail = false;
    expect(await (await fetch(`${url}/fine`)).text()).toBe("page");
  });

  it("gives every HTML response a Content-Security-Policy, keeping a page's own", async () => {
    const url = await serve({
      pages: async (req, res) => {
        if (req.url === "/own") {
          res.setHeader("content-security-policy", "default-src 'self'; script-src 'nonce-mine'");
          res.setHeader("content-type", "text/html; charset=utf-8");
          res.end("<p>page");
        } else if (req.url === "/missing") {
          res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" });
          res.end("<script>self.__next_f=[]</script><p>not found");
        } else if (req.url === "/implicit") {
          res.setHeader("Content-Type", "text/html");
          res.write("<p>streamed");
          res.end();
        } else {
          res.setHeader("content-type", "application/json");
          res.end("{}");
        }
      },
    });

    expect((await fetch(`${url}/own`)).headers.get("content-security-policy")).toBe(
      "default-src 'self'; script-src 'nonce-mine'",
    );
    for (const path of ["/missing", "/implicit"]) {
      const policy = (await fetch(`${url}${path}`)).headers.get("content-security-policy") ?? "";
      expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      expect(policy).toContain("frame-ancestors 'none'");
    }
    expect((await fetch(`${url}/data`)).headers.get("content-security-policy")).toBeNull();
  });
});
