import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionInfo } from "../../shared/protocol";
import {
  botTokenOf,
  ChatTestServer,
  collectMessages,
  nextEvent,
  rawRequest,
  request,
  settle,
  TEST_SECRET,
} from "../testing/chat-test-server";
import { readDb } from "../testing/db-snapshot";
import { InProcessCluster } from "../testing/in-process-cluster";
import { legacyToken } from "../testing/legacy-token";
import { COOKIE_LIFETIME_SECONDS, COOKIE_RENEWAL_SECONDS } from "./credentials";
import { createTokenSigner } from "./tokens";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

const signer = createTokenSigner(TEST_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A session of a connection without the cookie: a user, and a bot token that names it. */
function expectBotSession(session: SessionInfo): void {
  expect(session.user.id).toEqual(expect.any(String));
  expect(session.user.name.trim().length).toBeGreaterThan(0);
  expect(signer.verify(botTokenOf(session))).toMatchObject({
    userId: session.user.id,
    kind: "bot",
  });
}

/** `name=value` of a cookie as a browser sends it back. */
const pairOf = (setCookie: string | undefined) => setCookie?.split(";", 1)[0] ?? "";
const cookieValue = (pair: string) => pair.slice(pair.indexOf("=") + 1);
const userIdOf = (pair: string) => signer.verify(cookieValue(pair))?.userId;

describe("the session event", () => {
  it("gives a connection without the cookie a user with a generated name and a bot token", async () => {
    const first = await server.connect();
    const second = await server.connect();

    expectBotSession(first.session);
    expectBotSession(second.session);
    expect(second.session.user.id).not.toBe(first.session.user.id);
  });

  it("gives a browser that came with its cookie no token at all", async () => {
    const cookie = await server.issueIdentityCookie();
    const { session } = await server.connect({ extraHeaders: { cookie } });

    expect(session).toEqual({ user: { id: userIdOf(cookie), name: expect.any(String) } });
    expect(Object.keys(session)).toEqual(["user"]);
    expect(JSON.stringify(session)).not.toContain(cookieValue(cookie));
  });

  it("uses auth.name as the display name, trimmed", async () => {
    const { session } = await server.connect({ auth: { name: "  Weather bot " } });
    expectBotSession(session);
    expect(session.user.name).toBe("Weather bot");
  });

  it.each([
    ["empty", ""],
    ["blank", "   "],
    ["too long", "n".repeat(33)],
    ["with a control character", "bot\u0007"],
    ["with a bidi override", "\u202etob"],
    ["invisible (a Hangul filler)", "\u3164"],
    ["invisible (the blank Braille pattern)", "\u2800\u2800"],
    ["of mixed scripts", "Аlice"],
    ["not a string", 42],
  ])("ignores an auth.name that is %s and generates one", async (_case, name) => {
    const { session } = await server.connect({ auth: { name } });
    expectBotSession(session);
    expect(session.user.name).not.toBe(name);
  });
});

describe("auth.token", () => {
  it("keeps the same user, name and token on a later connection", async () => {
    const first = await server.connect({ auth: { name: "Weather bot" } });
    first.socket.disconnect();

    const later = await server.connect({ auth: { token: botTokenOf(first.session) } });

    expect(later.session).toEqual(first.session);
  });

  it("with auth.name, keeps the user and changes the name", async () => {
    const first = await server.connect({ auth: { name: "Old name" } });
    const token = botTokenOf(first.session);
    const later = await server.connect({ auth: { token, name: "New name" } });

    expect(later.session.user).toEqual({ id: first.session.user.id, name: "New name" });
    const again = await server.connect({ auth: { token } });
    expect(again.session.user.name).toBe("New name");
  });

  it("authors messages as the same person across connections", async () => {
    const first = await server.connect({ auth: { name: "Bot" } });
    const later = await server.connect({ auth: { token: botTokenOf(first.session) } });
    await request(later.socket, "room:join", { room: "general" });
    expect(
      await request(later.socket, "message:send", { room: "general", text: "hi", clientId: "c1" }),
    ).toMatchObject({ ok: true, message: { author: first.session.user } });
  });

  it("of the old format still names its bot, which is handed a new-format token", async () => {
    const bot = await server.store.users.create({ id: "0d9f6c1e-legacy-bot", name: "Old bot" });

    const { session } = await server.connect({ auth: { token: legacyToken(TEST_SECRET, bot.id) } });

    expect(session.user).toEqual(bot);
    expectBotSession(session);
    expect(session.token?.startsWith("sbb1.")).toBe(true);
    const again = await server.connect({ auth: { token: botTokenOf(session) } });
    expect(again.session).toEqual(session);
  });

  const someone = "00000000-0000-4000-8000-000000000000";
  const genuine = () => signer.sign("bot", someone, 0, nowSeconds());
  it.each([
    [
      "signed with another secret",
      () => createTokenSigner("x".repeat(40)).sign("bot", "user-1", 0, 0),
    ],
    ["garbled", () => `${genuine()}x`],
    ["with another user's id", () => genuine().replace(someone, "someone-else")],
    ["random text", () => "not a token at all"],
    ["empty", () => ""],
    ["absurdly long", () => "t".repeat(5000)],
    ["not a string", () => 12345],
  ])(
    "gets a fresh identity, with a new valid token, when the token is %s",
    async (_case, token) => {
      const known = await server.connect();
      const presented = token();

      const { session } = await server.connect({ auth: { token: presented, name: "Bot" } });

      expectBotSession(session);
      expect(session.user.name).toBe("Bot");
      expect(session.user.id).not.toBe(known.session.user.id);
      expect(session.token).not.toBe(presented);
      const again = await server.connect({ auth: { token: botTokenOf(session) } });
      expect(again.session.user).toEqual(session.user);
    },
  );

  it("cannot be the browser's cookie: a cookie presented as a bot token is refused", async () => {
    const cookie = await server.issueIdentityCookie();
    const browser = await server.connect({ extraHeaders: { cookie } });

    const { session } = await server.connect({ auth: { token: cookieValue(cookie) } });

    expectBotSession(session);
    expect(session.user.id).not.toBe(browser.session.user.id);
  });
});

describe("identities that have not written", () => {
  const users = () => readDb(server.dbPath).users;

  it("are not stored: connections that only read leave no row behind", async () => {
    for (let i = 0; i < 5; i++) {
      const { socket } = await server.connect();
      await request(socket, "room:join", { room: "general" });
      await request(socket, "history:before", { room: "general", before: 10 });
      socket.disconnect();
    }
    const cookie = await server.issueIdentityCookie();
    await server.connect({ extraHeaders: { cookie } });
    expect(users()).toEqual([]);
  });

  it("keep their token's identity and their generated name on every connection", async () => {
    const first = await server.connect();
    first.socket.disconnect();
    const later = await server.connect({ auth: { token: first.session.token } });
    expect(later.session.user).toEqual(first.session.user);
    expect(users()).toEqual([]);
  });

  it("keep a browser's generated name across reloads, from its cookie alone", async () => {
    const cookie = await server.issueIdentityCookie();
    const first = await server.connect({ extraHeaders: { cookie } });
    first.socket.disconnect();
    const later = await server.connect({ extraHeaders: { cookie } });
    expect(later.session.user).toEqual(first.session.user);
  });

  it("are stored by their first message, with the name it was sent under", async () => {
    const { socket, session } = await server.connect();
    await request(socket, "room:join", { room: "general" });
    await request(socket, "message:send", { room: "general", text: "hi", clientId: "c1" });
    expect(users()).toEqual([session.user]);
  });

  it("are stored by their first rename", async () => {
    const { socket, session } = await server.connect();
    expect(await request(socket, "user:rename", { name: "Ana" })).toEqual({
      ok: true,
      user: { id: session.user.id, name: "Ana" },
    });
    expect(users()).toEqual([{ id: session.user.id, name: "Ana" }]);
  });
});

describe("the browser's identity cookie", () => {
  it("is set on the first page load: HttpOnly, SameSite=Lax, for the whole site", async () => {
    const response = await server.fetchPage("/chat/x");
    await response.body?.cancel();

    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const [pair, ...attributes] = (cookies[0] ?? "").split("; ");
    expect(pair).toMatch(/^scrollback_session=sbc1\.[^;]+$/);
    expect(attributes).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/"]));
    // Served over plain HTTP here, so a Secure cookie would never come back.
    expect(attributes).not.toContain("Secure");
  });

  it("identifies the socket the page opens, on every connection", async () => {
    const cookie = await server.issueIdentityCookie();

    const first = await server.connect({ extraHeaders: { cookie } });
    const second = await server.connect({ extraHeaders: { cookie } });

    expect(first.session.user.id).toBe(userIdOf(cookie));
    expect(second.session.user).toEqual(first.session.user);
  });

  it("is not replaced on later page loads", async () => {
    const cookie = await server.issueIdentityCookie();
    const response = await server.fetchPage("/", cookie);
    await response.body?.cancel();
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("gives one identity to tabs that connect at the same moment with a new cookie", async () => {
    const cookie = await server.issueIdentityCookie();
    const tabs = await Promise.all(
      Array.from({ length: 4 }, () => server.connect({ extraHeaders: { cookie } })),
    );
    for (const tab of tabs) expect(tab.session.user.id).toBe(userIdOf(cookie));
  });

  it.each([
    [
      "a changed signature",
      (cookie: string) => `${cookie.slice(0, -1)}${cookie.endsWith("A") ? "B" : "A"}`,
    ],
    [
      "another user's id",
      (cookie: string) => cookie.replace(/\.[0-9a-f-]{36}\./, ".someone-else."),
    ],
    ["a made-up value", () => "scrollback_session=hello"],
    [
      "a value that expired a year after it was issued",
      (cookie: string) => {
        const userId = userIdOf(cookie) ?? "";
        const issuedAt = nowSeconds() - COOKIE_LIFETIME_SECONDS - 60;
        return `scrollback_session=${signer.sign("cookie", userId, 0, issuedAt)}`;
      },
    ],
  ])("with %s is replaced by a fresh identity", async (_case, tamper) => {
    const genuine = await server.issueIdentityCookie();
    const tampered = tamper(genuine);

    const page = await server.fetchPage("/chat/x", tampered);
    await page.body?.cancel();
    const { session } = await server.connect({ extraHeaders: { cookie: tampered } });

    expect(page.headers.getSetCookie()).toHaveLength(1);
    expect(page.headers.getSetCookie()[0]).not.toContain(tampered);
    expectBotSession(session);
    expect(session.user.id).not.toBe(userIdOf(genuine));
  });

  it("cannot be a bot token: a bot's token presented as the cookie is refused", async () => {
    const bot = await server.connect({ auth: { name: "Bot" } });
    const asCookie = `scrollback_session=${botTokenOf(bot.session)}`;

    const page = await server.fetchPage("/chat/x", asCookie);
    await page.body?.cancel();
    const { session } = await server.connect({ extraHeaders: { cookie: asCookie } });

    expect(userIdOf(pairOf(page.headers.getSetCookie()[0]))).not.toBe(bot.session.user.id);
    expect(session.user.id).not.toBe(bot.session.user.id);
  });

  it("of the old format keeps its identity, and the next page load replaces it with a new-format one", async () => {
    const browser = await server.store.users.create({ id: "5b1e4f0a-legacy-tab", name: "Old tab" });
    const old = `scrollback_session=${legacyToken(TEST_SECRET, browser.id)}`;

    const socket = await server.connect({ extraHeaders: { cookie: old } });
    expect(socket.session).toEqual({ user: browser });

    const page = await server.fetchPage("/chat/x", old);
    await page.body?.cancel();
    const renewed = pairOf(page.headers.getSetCookie()[0]);
    expect(renewed).toMatch(/^scrollback_session=sbc1\./);
    expect(userIdOf(renewed)).toBe(browser.id);
    expect((await server.connect({ extraHeaders: { cookie: renewed } })).session).toEqual({
      user: browser,
    });
  });

  it("is renewed by a page load once it is a day old, for the same identity", async () => {
    const userId = "9a0c2d4e-6f81-4a3b-9c5d-7e9f0a1b2c3d";
    const issuedAt = nowSeconds() - COOKIE_RENEWAL_SECONDS - 60;
    const old = `scrollback_session=${signer.sign("cookie", userId, 0, issuedAt)}`;

    const page = await server.fetchPage("/chat/x", old);
    await page.body?.cancel();

    const renewed = pairOf(page.headers.getSetCookie()[0]);
    expect(userIdOf(renewed)).toBe(userId);
    expect(signer.verify(cookieValue(renewed))?.issuedAt).toBeGreaterThan(issuedAt);
  });

  it("gives way to auth.token when a client presents both, which then gets its token", async () => {
    const bot = await server.connect();
    const cookie = await server.issueIdentityCookie();
    const { session } = await server.connect({
      extraHeaders: { cookie },
      auth: { token: botTokenOf(bot.session) },
    });
    expect(session).toEqual(bot.session);
  });
});

describe("revoking an identity's credentials", () => {
  it("refuses its earlier bot tokens at the handshake, and the token it hands out works", async () => {
    const bot = await server.connect({ auth: { name: "Leaky bot" } });
    const stolen = botTokenOf(bot.session);
    const other = await server.connect({ auth: { name: "Other bot" } });

    const { botToken } = await server.identities.revoke(bot.session.user.id);

    const thief = await server.connect({ auth: { token: stolen } });
    expect(thief.session.user.id).not.toBe(bot.session.user.id);
    const owner = await server.connect({ auth: { token: botToken } });
    expect(owner.session).toEqual({ user: bot.session.user, token: botToken });
    // Nobody else's credentials are touched.
    expect((await server.connect({ auth: { token: botTokenOf(other.session) } })).session).toEqual(
      other.session,
    );
  });

  it("refuses its cookie and its old-format token too; a page load then starts a new identity", async () => {
    const cookie = await server.issueIdentityCookie();
    const userId = userIdOf(cookie) ?? "";
    await server.connect({ extraHeaders: { cookie } });
    const oldFormat = legacyToken(TEST_SECRET, userId);

    await server.identities.revoke(userId);

    const tab = await server.connect({ extraHeaders: { cookie } });
    expect(tab.session.user.id).not.toBe(userId);
    const bot = await server.connect({ auth: { token: oldFormat } });
    expect(bot.session.user.id).not.toBe(userId);
    const page = await server.fetchPage("/chat/x", cookie);
    await page.body?.cancel();
    expect(userIdOf(pairOf(page.headers.getSetCookie()[0]))).not.toBe(userId);
  });

  it("is kept across a restart", async () => {
    const bot = await server.connect();
    await server.identities.revoke(bot.session.user.id);
    await server.restart();
    const thief = await server.connect({ auth: { token: botTokenOf(bot.session) } });
    expect(thief.session.user.id).not.toBe(bot.session.user.id);
  });
});

describe("user:rename", () => {
  it("answers with the renamed user, trimmed", async () => {
    const { socket, session } = await server.connect({ auth: { name: "Ana" } });
    expect(await request(socket, "user:rename", { name: "  Ana Souza  " })).toEqual({
      ok: true,
      user: { id: session.user.id, name: "Ana Souza" },
    });
  });

  it("names messages sent afterwards, from every tab, and leaves earlier ones alone", async () => {
    const tab = await server.connect({ auth: { name: "Ana" } });
    const otherTab = await server.connect({ auth: { token: botTokenOf(tab.session) } });
    for (const { socket } of [tab, otherTab])
      await request(socket, "room:join", { room: "general" });
    await request(tab.socket, "message:send", { room: "general", text: "before", clientId: "c1" });

    await request(tab.socket, "user:rename", { name: "Ana Souza" });
    await request(tab.socket, "message:send", { room: "general", text: "after", clientId: "c2" });
    await request(otherTab.socket, "message:send", {
      room: "general",
      text: "other tab",
      clientId: "c3",
    });

    const joined = await request((await server.connect()).socket, "room:join", { room: "general" });
    expect(joined.ok && joined.messages.map((m) => [m.text, m.author.name])).toEqual([
      ["before", "Ana"],
      ["after", "Ana Souza"],
      ["other tab", "Ana Souza"],
    ]);
  });

  it("sends a new session to every connection of that person and to no one else", async () => {
    const cookie = await server.issueIdentityCookie();
    const browserTab = await server.connect({ extraHeaders: { cookie } });
    const botTab = await server.connect({
      auth: { token: legacyToken(TEST_SECRET, browserTab.session.user.id) },
    });
    const stranger = await server.connect({ auth: { name: "Bea" } });
    const strangerSessions: SessionInfo[] = [];
    stranger.socket.on("session", (session) => strangerSessions.push(session));
    const sessionInBrowser = nextEvent(browserTab.socket, "session");
    const sessionInBot = nextEvent(botTab.socket, "session");

    await request(browserTab.socket, "user:rename", { name: "Ana Souza" });

    const user = { id: browserTab.session.user.id, name: "Ana Souza" };
    // Each hears its own session: the bot its token, the browser none.
    expect(await sessionInBrowser).toEqual({ user });
    expect(await sessionInBot).toEqual({ user, token: botTab.session.token });
    await settle(stranger.socket);
    expect(strangerSessions).toEqual([]);
  });

  it("is kept for the next connection", async () => {
    const first = await server.connect({ auth: { name: "Ana" } });
    await request(first.socket, "user:rename", { name: "Ana Souza" });
    const later = await server.connect({ auth: { token: botTokenOf(first.session) } });
    expect(later.session.user.name).toBe("Ana Souza");
  });

  it.each([
    ["a NUL character", { name: "Ana\u0000" }, "invalid_payload"],
    ["a number", { name: 7 }, "invalid_payload"],
    ["no name", {}, "invalid_payload"],
    ["null", null, "invalid_payload"],
    ["an empty name", { name: "" }, "invalid_name"],
    ["a blank name", { name: "   " }, "invalid_name"],
    ["a name of 33 characters", { name: "n".repeat(33) }, "invalid_name"],
    ["a control character", { name: "Ana\u0007" }, "invalid_name"],
    ["a zero-width space", { name: "A\u200bna" }, "invalid_name"],
    ["a right-to-left override", { name: "\u202eanA" }, "invalid_name"],
    ["only a Hangul filler", { name: "\u3164" }, "invalid_name"],
    ["only Hangul choseong fillers", { name: "\u115f\u115f" }, "invalid_name"],
    ["only the blank Braille pattern", { name: "\u2800" }, "invalid_name"],
    ["only zero-width characters", { name: "\u200b\u200c\u200d" }, "invalid_name"],
    ["a Cyrillic А among Latin letters", { name: "Аna" }, "invalid_name"],
  ])("rejects %s and keeps the old name", async (_case, payload, code) => {
    const { socket, session } = await server.connect({ auth: { name: "Ana" } });
    await request(socket, "room:join", { room: "general" });

    expect(await rawRequest(socket, "user:rename", payload)).toEqual({
      ok: false,
      error: { code, message: expect.any(String) },
    });
    expect(
      await request(socket, "message:send", { room: "general", text: "hi", clientId: "c1" }),
    ).toMatchObject({ ok: true, message: { author: session.user } });
    expect(await server.store.users.find(session.user.id)).toEqual(session.user);
  });

  it("says why a name was refused, in words for the person who chose it", async () => {
    const { socket } = await server.connect({ auth: { name: "Ana" } });
    expect(await request(socket, "user:rename", { name: "Аlice" })).toEqual({
      ok: false,
      error: {
        code: "invalid_name",
        message:
          "This name mixes Cyrillic and Latin letters. Use one alphabet, so that look-alike letters can't pass for someone else's name.",
      },
    });
    expect(await request(socket, "user:rename", { name: "\u3164" })).toEqual({
      ok: false,
      error: {
        code: "invalid_name",
        message: "A name needs at least one visible letter, digit or symbol.",
      },
    });
  });

  it("stores the name composed (NFC) and with single spaces", async () => {
    const { socket, session } = await server.connect({ auth: { name: "Ana" } });
    expect(await request(socket, "user:rename", { name: " Jose\u0301   Souza " })).toEqual({
      ok: true,
      user: { id: session.user.id, name: "José Souza" },
    });
  });

  it("does not change what others see of their own names", async () => {
    const ana = await server.connect({ auth: { name: "Ana" } });
    const bea = await server.connect({ auth: { name: "Bea" } });
    const seen = collectMessages(bea.socket);
    await request(bea.socket, "room:join", { room: "general" });
    await request(ana.socket, "user:rename", { name: "Ana Souza" });
    await request(bea.socket, "message:send", { room: "general", text: "me", clientId: "c1" });
    await settle(bea.socket);
    expect(seen.map((m) => m.author)).toEqual([bea.session.user]);
  });
});

describe("auth.name on a later connection", () => {
  it("renames the person on the connections already open, as user:rename does", async () => {
    const open = await server.connect({ auth: { name: "Old name" } });
    await request(open.socket, "room:join", { room: "general" });
    const sessionInOpen = nextEvent(open.socket, "session");

    const later = await server.connect({
      auth: { token: botTokenOf(open.session), name: "New name" },
    });

    expect(await sessionInOpen).toEqual(later.session);
    expect(
      await request(open.socket, "message:send", { room: "general", text: "hi", clientId: "c1" }),
    ).toMatchObject({ ok: true, message: { author: { name: "New name" } } });
  });

  it("sends nothing to the open connections when the name is unchanged", async () => {
    const open = await server.connect({ auth: { name: "Same" } });
    const sessions: SessionInfo[] = [];
    open.socket.on("session", (session) => sessions.push(session));

    await server.connect({ auth: { token: botTokenOf(open.session), name: "Same" } });
    await server.connect({ auth: { token: botTokenOf(open.session) } });
    await settle(open.socket);

    expect(sessions).toEqual([]);
  });
});

describe("a rename across instances", () => {
  it("reaches the person's connections on every instance, each with its own session", async () => {
    const cluster = new InProcessCluster();
    try {
      const one = await cluster.addNode();
      const two = await cluster.addNode();
      const here = await one.connect({ auth: { name: "Ana" } });
      const there = await two.connect({ auth: { token: botTokenOf(here.session) } });
      const sessionThere = nextEvent(there.socket, "session");

      await request(here.socket, "user:rename", { name: "Ana Souza" });

      expect(await sessionThere).toEqual({
        user: { id: here.session.user.id, name: "Ana Souza" },
        token: there.session.token,
      });
    } finally {
      await cluster.dispose();
    }
  });
});
