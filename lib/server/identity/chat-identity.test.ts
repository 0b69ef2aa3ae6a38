import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionInfo } from "../../shared/protocol";
import {
  ChatTestServer,
  collectMessages,
  nextEvent,
  rawRequest,
  request,
  settle,
  TEST_SECRET,
} from "../testing/chat-test-server";
import { readDb } from "../testing/db-snapshot";
import { createTokenSigner } from "./tokens";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

const signer = createTokenSigner(TEST_SECRET);

/** A session whose token is genuine and names its user. */
function expectValidSession(session: SessionInfo): void {
  expect(session.user.id).toEqual(expect.any(String));
  expect(session.user.name.trim().length).toBeGreaterThan(0);
  expect(signer.verify(session.token)).toBe(session.user.id);
}

describe("the session event", () => {
  it("gives every connection a user with a generated name and a token for it", async () => {
    const first = await server.connect();
    const second = await server.connect();

    expectValidSession(first.session);
    expectValidSession(second.session);
    expect(second.session.user.id).not.toBe(first.session.user.id);
  });

  it("uses auth.name as the display name, trimmed", async () => {
    const { session } = await server.connect({ auth: { name: "  Weather bot " } });
    expectValidSession(session);
    expect(session.user.name).toBe("Weather bot");
  });

  it.each([
    ["empty", ""],
    ["blank", "   "],
    ["too long", "n".repeat(33)],
    ["with a control character", "bot\u0007"],
    ["with a bidi override", "\u202etob"],
    ["not a string", 42],
  ])("ignores an auth.name that is %s and generates one", async (_case, name) => {
    const { session } = await server.connect({ auth: { name } });
    expectValidSession(session);
    expect(session.user.name).not.toBe(name);
  });
});

describe("auth.token", () => {
  it("keeps the same user, and name, on a later connection", async () => {
    const first = await server.connect({ auth: { name: "Weather bot" } });
    first.socket.disconnect();

    const later = await server.connect({ auth: { token: first.session.token } });

    expect(later.session).toEqual(first.session);
  });

  it("with auth.name, keeps the user and changes the name", async () => {
    const first = await server.connect({ auth: { name: "Old name" } });
    const later = await server.connect({
      auth: { token: first.session.token, name: "New name" },
    });

    expect(later.session.user).toEqual({ id: first.session.user.id, name: "New name" });
    const again = await server.connect({ auth: { token: first.session.token } });
    expect(again.session.user.name).toBe("New name");
  });

  it("authors messages as the same person across connections", async () => {
    const first = await server.connect({ auth: { name: "Bot" } });
    const later = await server.connect({ auth: { token: first.session.token } });
    await request(later.socket, "room:join", { room: "general" });
    expect(
      await request(later.socket, "message:send", { room: "general", text: "hi", clientId: "c1" }),
    ).toMatchObject({ ok: true, message: { author: first.session.user } });
  });

  const genuine = () => signer.sign("00000000-0000-4000-8000-000000000000");
  it.each([
    ["signed with another secret", () => createTokenSigner("x".repeat(40)).sign("user-1")],
    ["garbled", () => `${genuine()}x`],
    ["with another user's id", () => `someone-else.${genuine().split(".")[1]}`],
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

      expectValidSession(session);
      expect(session.user.name).toBe("Bot");
      expect(session.user.id).not.toBe(known.session.user.id);
      expect(session.token).not.toBe(presented);
      const again = await server.connect({ auth: { token: session.token } });
      expect(again.session.user).toEqual(session.user);
    },
  );
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
  const userIdOf = (cookie: string) => cookie.slice(cookie.indexOf("=") + 1).split(".")[0];

  it("is set on the first page load: HttpOnly, SameSite=Lax, for the whole site", async () => {
    const response = await server.fetchPage("/chat/x");
    await response.body?.cancel();

    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const [pair, ...attributes] = (cookies[0] ?? "").split("; ");
    expect(pair).toMatch(/^scrollback_session=[^;]+$/);
    expect(attributes).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/"]));
    // Served over plain HTTP here, so a Secure cookie would never come back.
    expect(attributes).not.toContain("Secure");
  });

  it("identifies the socket the page opens, on every connection", async () => {
    const cookie = await server.issueIdentityCookie();

    const first = await server.connect({ extraHeaders: { cookie } });
    const second = await server.connect({ extraHeaders: { cookie } });

    expectValidSession(first.session);
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
    ["another user's id", (cookie: string) => cookie.replace(/=[^.]+\./, "=someone-else.")],
    ["a made-up value", () => "scrollback_session=hello"],
  ])("with %s is replaced by a fresh identity", async (_case, tamper) => {
    const genuine = await server.issueIdentityCookie();
    const tampered = tamper(genuine);

    const page = await server.fetchPage("/chat/x", tampered);
    await page.body?.cancel();
    const { session } = await server.connect({ extraHeaders: { cookie: tampered } });

    expect(page.headers.getSetCookie()).toHaveLength(1);
    expect(page.headers.getSetCookie()[0]).not.toContain(tampered);
    expectValidSession(session);
    expect(session.user.id).not.toBe(userIdOf(genuine));
  });

  it("gives way to auth.token when a client presents both", async () => {
    const bot = await server.connect();
    const cookie = await server.issueIdentityCookie();
    const { session } = await server.connect({
      extraHeaders: { cookie },
      auth: { token: bot.session.token },
    });
    expect(session.user.id).toBe(bot.session.user.id);
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
    const otherTab = await server.connect({ auth: { token: tab.session.token } });
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
    const tab = await server.connect({ auth: { name: "Ana" } });
    const otherTab = await server.connect({ auth: { token: tab.session.token } });
    const stranger = await server.connect({ auth: { name: "Bea" } });
    const strangerSessions: SessionInfo[] = [];
    stranger.socket.on("session", (session) => strangerSessions.push(session));
    const sessionInTab = nextEvent(tab.socket, "session");
    const sessionInOtherTab = nextEvent(otherTab.socket, "session");

    await request(tab.socket, "user:rename", { name: "Ana Souza" });

    const expected = {
      user: { id: tab.session.user.id, name: "Ana Souza" },
      token: tab.session.token,
    };
    expect(await sessionInTab).toEqual(expected);
    expect(await sessionInOtherTab).toEqual(expected);
    await settle(stranger.socket);
    expect(strangerSessions).toEqual([]);
  });

  it("is kept for the next connection", async () => {
    const first = await server.connect({ auth: { name: "Ana" } });
    await request(first.socket, "user:rename", { name: "Ana Souza" });
    const later = await server.connect({ auth: { token: first.session.token } });
    expect(later.session.user.name).toBe("Ana Souza");
  });

  it.each([
    ["an empty name", { name: "" }],
    ["a blank name", { name: "   " }],
    ["a name of 33 characters", { name: "n".repeat(33) }],
    ["a control character", { name: "Ana\u0000" }],
    ["a zero-width space", { name: "A\u200bna" }],
    ["a right-to-left override", { name: "\u202eanA" }],
    ["a number", { name: 7 }],
    ["no name", {}],
    ["null", null],
  ])("rejects %s as invalid_payload and keeps the old name", async (_case, payload) => {
    const { socket, session } = await server.connect({ auth: { name: "Ana" } });
    await request(socket, "room:join", { room: "general" });

    expect(await rawRequest(socket, "user:rename", payload)).toEqual({
      ok: false,
      error: { code: "invalid_payload", message: expect.any(String) },
    });
    expect(
      await request(socket, "message:send", { room: "general", text: "hi", clientId: "c1" }),
    ).toMatchObject({ ok: true, message: { author: session.user } });
    expect(await server.store.findUser(session.user.id)).toEqual(session.user);
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

    const later = await server.connect({ auth: { token: open.session.token, name: "New name" } });

    expect(await sessionInOpen).toEqual(later.session);
    expect(
      await request(open.socket, "message:send", { room: "general", text: "hi", clientId: "c1" }),
    ).toMatchObject({ ok: true, message: { author: { name: "New name" } } });
  });

  it("sends nothing to the open connections when the name is unchanged", async () => {
    const open = await server.connect({ auth: { name: "Same" } });
    const sessions: SessionInfo[] = [];
    open.socket.on("session", (session) => sessions.push(session));

    await server.connect({ auth: { token: open.session.token, name: "Same" } });
    await server.connect({ auth: { token: open.session.token } });
    await settle(open.socket);

    expect(sessions).toEqual([]);
  });
});
