import { get } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { ChatTestServer } from "../testing/chat-test-server";

let server: ChatTestServer | undefined;
afterEach(async () => {
  await server?.dispose();
});

/** The Set-Cookie header of a page response to a request with these headers. */
function setCookieFor(headers: Record<string, string>): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    get(`${server?.url}/`, { headers, agent: false }, (response) => {
      response.resume();
      resolve(response.headers["set-cookie"]?.[0]);
    }).on("error", reject);
  });
}

describe("the identity cookie", () => {
  it("is HttpOnly and SameSite=Lax, and not Secure over plain HTTP", async () => {
    server = await ChatTestServer.start();
    const cookie = await setCookieFor({});
    expect(cookie).toMatch(/^scrollback_session=[^;]+;/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
  });

  it("is Secure when a trusted proxy says the browser came over HTTPS, and only then", async () => {
    server = await ChatTestServer.start({ limits: { trustProxy: true } });
    expect(await setCookieFor({ "x-forwarded-proto": "https" })).toContain("Secure");
    expect(await setCookieFor({ "x-forwarded-proto": "http" })).not.toContain("Secure");
    await server.dispose();

    server = await ChatTestServer.start({ limits: { trustProxy: false } });
    expect(await setCookieFor({ "x-forwarded-proto": "https" })).not.toContain("Secure");
  });

  it("is replaced when the browser presents a tampered one, and kept when it is genuine", async () => {
    server = await ChatTestServer.start();
    const issued = (await setCookieFor({}))?.split(";")[0] ?? "";
    expect(await setCookieFor({ cookie: issued })).toBeUndefined();
    const tampered = `${issued.slice(0, -1)}${issued.endsWith("A") ? "B" : "A"}`;
    const replacement = await setCookieFor({ cookie: tampered });
    expect(replacement).toMatch(/^scrollback_session=/);
    expect(replacement?.split(";")[0]).not.toBe(tampered);
  });
});
