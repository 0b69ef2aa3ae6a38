import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ChatTestServer } from "../testing/chat-test-server";

/*
 * Cookie tossing: a page on the same host at another port (or a sibling
 * subdomain) can set a cookie of our name that the browser then sends to us —
 * first, when its Path is longer. These tests present the Cookie headers such
 * a browser sends and check that the planted cookie chooses no identity.
 */

let server: ChatTestServer;
afterEach(async () => {
  await server.dispose();
});

const cookieValue = (pair: string) => pair.slice(pair.indexOf("=") + 1);
const HTTPS = { "x-forwarded-proto": "https" };

/** Two genuine cookies from this server: the victim's, and one the attacker got for themselves. */
async function victimAndAttacker(headers: Record<string, string> = {}) {
  const issue = async () => {
    const response = await fetch(`${server.url}/`, { headers });
    await response.body?.cancel();
    const setCookie = response.headers.getSetCookie()[0] ?? "";
    return cookieValue(setCookie.split(";", 1)[0] ?? "");
  };
  const victim = await issue();
  const attacker = await issue();
  const idOf = async (cookie: string) =>
    (await server.connect({ extraHeaders: { ...headers, cookie } })).session.user.id;
  return {
    victim,
    attacker,
    victimId: await idOf(`scrollback_session=${victim}`),
    attackerId: await idOf(`scrollback_session=${attacker}`),
  };
}

/** The Set-Cookie headers of a polling handshake with this Cookie header. */
async function handshakeSetCookies(cookie: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, {
    headers: { ...headers, cookie },
  });
  await response.body?.cancel();
  return response.headers.getSetCookie();
}

describe("over plain HTTP", () => {
  it("a cookie planted at /socket.io, sent first, does not make the victim the attacker", async () => {
    server = await ChatTestServer.start();
    const { victim, attacker, victimId, attackerId } = await victimAndAttacker();

    const { session } = await server.connect({
      extraHeaders: { cookie: `scrollback_session=${attacker}; scrollback_session=${victim}` },
    });

    expect(session.user.id).not.toBe(attackerId);
    // Nothing in the header says which is the victim's, so neither is believed.
    expect(session.user.id).not.toBe(victimId);
  });

  it("the handshake's answer expires the cookies that can shadow ours there, and not ours at /", async () => {
    server = await ChatTestServer.start();
    const { victim, attacker } = await victimAndAttacker();
    const cookie = `scrollback_session=${attacker}; scrollback_session=${victim}`;

    const overPolling = await handshakeSetCookies(cookie);
    const overWebSocket = await new Promise<string[]>((resolve, reject) => {
      const socket = new WebSocket(
        `${server.url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`,
        { headers: { cookie } },
      );
      socket.once("upgrade", (response) => {
        resolve([response.headers["set-cookie"] ?? []].flat());
        socket.close();
      });
      socket.once("error", reject);
    });

    for (const setCookies of [overPolling, overWebSocket]) {
      expect(setCookies.map((c) => c.split("; ").slice(0, 3).join("; "))).toEqual([
        "scrollback_session=; Path=/socket.io; Max-Age=0",
        "scrollback_session=; Path=/socket.io/; Max-Age=0",
      ]);
    }
    expect(await handshakeSetCookies(`scrollback_session=${victim}`)).toEqual([]);
  });

  it("a page load with two cookies clears the planted ones and keeps the person's own", async () => {
    server = await ChatTestServer.start();
    const { victim, attacker } = await victimAndAttacker();

    const page = await server.fetchPage(
      "/chat/general",
      `scrollback_session=${attacker}; scrollback_session=${victim}`,
    );
    await page.body?.cancel();

    // No new identity at Path=/, which would replace the person's own cookie.
    expect(page.headers.getSetCookie().map((c) => c.split("; ").slice(0, 3).join("; "))).toEqual([
      "scrollback_session=; Path=/chat; Max-Age=0",
      "scrollback_session=; Path=/chat/; Max-Age=0",
      "scrollback_session=; Path=/chat/general; Max-Age=0",
    ]);
  });
});

describe("over HTTPS (behind a trusted proxy)", () => {
  it("the cookie is __Host-scrollback_session: Secure, Path=/, no Domain", async () => {
    server = await ChatTestServer.start({ limits: { trustProxy: true } });
    const page = await fetch(`${server.url}/`, { headers: HTTPS });
    await page.body?.cancel();

    const [cookie = ""] = page.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-scrollback_session=sbc1\./);
    expect(cookie.split("; ")).toEqual(expect.arrayContaining(["Path=/", "Secure", "HttpOnly"]));
    expect(cookie).not.toMatch(/domain=/i);
  });

  it("a planted cookie of the old name cannot outrank the __Host- one", async () => {
    server = await ChatTestServer.start({ limits: { trustProxy: true } });
    const { victim, attacker, victimId, attackerId } = await victimAndAttacker(HTTPS);

    const { session } = await server.connect({
      extraHeaders: {
        ...HTTPS,
        cookie: `scrollback_session=${attacker}; __Host-scrollback_session=${victim}`,
      },
    });

    expect(session.user.id).toBe(victimId);
    expect(session.user.id).not.toBe(attackerId);
  });

  it("the __Host- cookie still identifies a socket whose request lacks X-Forwarded-Proto", async () => {
    server = await ChatTestServer.start({ limits: { trustProxy: true } });
    const page = await fetch(`${server.url}/`, { headers: HTTPS });
    await page.body?.cancel();
    const pair = page.headers.getSetCookie()[0]?.split(";", 1)[0] ?? "";
    const withProto = await server.connect({ extraHeaders: { ...HTTPS, cookie: pair } });

    const without = await server.connect({ extraHeaders: { cookie: pair } });

    expect(without.session).toEqual(withProto.session);
  });

  it("a browser with the cookie under the old name keeps its identity, and its next page load moves it", async () => {
    server = await ChatTestServer.start({ limits: { trustProxy: true } });
    const { victim, victimId } = await victimAndAttacker();
    const old = `scrollback_session=${victim}`;

    const before = await server.connect({ extraHeaders: { ...HTTPS, cookie: old } });
    const page = await fetch(`${server.url}/chat/general`, { headers: { ...HTTPS, cookie: old } });
    await page.body?.cancel();
    const [moved = "", dropped = ""] = page.headers.getSetCookie();
    const newPair = moved.split(";", 1)[0] ?? "";
    const after = await server.connect({ extraHeaders: { ...HTTPS, cookie: newPair } });

    expect(before.session.user.id).toBe(victimId);
    expect(newPair).toMatch(/^__Host-scrollback_session=/);
    expect(after.session.user.id).toBe(victimId);
    expect(dropped.split("; ").slice(0, 3).join("; ")).toBe(
      "scrollback_session=; Path=/; Max-Age=0",
    );
  });
});
