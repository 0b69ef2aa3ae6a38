import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newTestAccount, signUp } from "../testing/accounts";
import {
  botTokenOf,
  ChatTestServer,
  collectMessages,
  eventually,
  request,
} from "../testing/chat-test-server";
import {
  postgresDeployment,
  redisDeployment,
  sqliteDeployment,
  type TestDeployment,
} from "../testing/test-deployments";
import { MAX_BOT_TOKENS_PER_ACCOUNT } from "./bot-tokens";

type Created = { token: string; id: string; name: string; createdAt: string };
type Listed = { id: string; name: string; createdAt: string; lastUsedAt: string | null };

/** A request to /api/bot-tokens as the server's own page sends it (same Origin), signed in by `cookie`. */
function tokens(
  server: ChatTestServer,
  method: "GET" | "POST" | "DELETE",
  options: { cookie?: string; id?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${server.url}/api/bot-tokens${options.id ? `/${options.id}` : ""}`, {
    method,
    headers: {
      origin: server.url,
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

async function createToken(server: ChatTestServer, cookie: string, name: string): Promise<Created> {
  const response = await tokens(server, "POST", { cookie, body: { name } });
  const body = (await response.json()) as Created;
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body;
}

async function listTokens(server: ChatTestServer, cookie: string): Promise<Listed[]> {
  const response = await tokens(server, "GET", { cookie });
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return ((await response.json()) as { tokens: Listed[] }).tokens;
}

/** How a connection attempt ended: its session, or the refusal's message. */
async function tryConnect(
  server: ChatTestServer,
  token: string,
): Promise<{ refused: string } | { userId: string }> {
  try {
    const { session } = await server.connect({ auth: { token } });
    return { userId: session.user.id };
  } catch (error) {
    return { refused: (error as Error & { data?: { message?: string } }).data?.message ?? "" };
  }
}

function disconnected(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (!socket.connected) resolve();
    socket.once("disconnect", () => resolve());
  });
}

describe.each([
  ["SQLite", sqliteDeployment],
  ["Postgres", postgresDeployment],
  ["two instances on Redis", redisDeployment],
] as const)("bot tokens on %s", (_name, deploy) => {
  let deployment: TestDeployment;
  let first: ChatTestServer;
  let last: ChatTestServer;
  beforeAll(async () => {
    deployment = await deploy();
    first = deployment.servers[0] as ChatTestServer;
    last = deployment.servers.at(-1) as ChatTestServer;
  });
  afterAll(() => deployment.dispose());

  it("creates a token shown once; a bot connecting with it speaks under the token's name, as its own identity", async () => {
    const person = newTestAccount("Ana Sousa");
    const owner = await signUp(first, person);
    const created = await createToken(first, owner.cookie, "Deploy bot");
    expect(created.token).toMatch(/^sbb_[A-Za-z0-9_-]{43}$/);
    expect(created.name).toBe("Deploy bot");

    const bot = await last.connect({ auth: { token: created.token } });
    expect(bot.session.user).toEqual({ id: created.id, name: "Deploy bot", guest: false });
    expect(bot.session.user.id).not.toBe(owner.chatUserId);
    expect(bot.session.account).toEqual({ email: person.email, role: "user" });
    // The bot already holds its credential; none is handed out.
    expect(bot.session.token).toBeUndefined();

    const reader = await first.connect();
    const heard = collectMessages(reader.socket);
    expect(await request(reader.socket, "room:join", { room: "bots" })).toMatchObject({ ok: true });
    expect(await request(bot.socket, "room:join", { room: "bots" })).toMatchObject({ ok: true });
    const sent = await request(bot.socket, "message:send", {
      room: "bots",
      clientId: "deploy-1",
      text: "deployed",
    });
    expect(sent).toMatchObject({
      ok: true,
      message: { author: { id: created.id, name: "Deploy bot" } },
    });
    await eventually(() =>
      expect(heard.map((m) => [m.author.name, m.text])).toEqual([["Deploy bot", "deployed"]]),
    );

    const listed = await listTokens(first, owner.cookie);
    expect(listed).toEqual([
      {
        id: created.id,
        name: "Deploy bot",
        createdAt: created.createdAt,
        lastUsedAt: expect.any(String),
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.token);
  });

  it("revoking a token disconnects its bots on every instance and refuses it from then on", async () => {
    const owner = await signUp(first, newTestAccount());
    const created = await createToken(first, owner.cookie, "Doomed bot");
    const kept = await createToken(first, owner.cookie, "Kept bot");
    const onFirst = await first.connect({ auth: { token: created.token } });
    const onLast = await last.connect({ auth: { token: created.token } });
    const keptBot = await last.connect({ auth: { token: kept.token } });
    const ownerSocket = await last.connect({ extraHeaders: { cookie: owner.cookie } });

    const gone = Promise.all([disconnected(onFirst.socket), disconnected(onLast.socket)]);
    const revoked = await tokens(first, "DELETE", { cookie: owner.cookie, id: created.id });
    expect(revoked.status).toBe(204);
    await gone;

    expect(await tryConnect(last, created.token)).toEqual({
      refused: expect.stringContaining("not valid"),
    });
    // Only that token's connections went.
    expect(keptBot.socket.connected).toBe(true);
    expect(ownerSocket.socket.connected).toBe(true);
    expect((await listTokens(last, owner.cookie)).map((t) => t.id)).toEqual([kept.id]);
    // Revoked once is gone: a second DELETE finds nothing.
    expect((await tokens(first, "DELETE", { cookie: owner.cookie, id: created.id })).status).toBe(
      404,
    );
  });

  it("answers 404 to a revocation of someone else's token, and leaves it working", async () => {
    const owner = await signUp(first, newTestAccount());
    const stranger = await signUp(first, newTestAccount());
    const created = await createToken(first, owner.cookie, "Mine");
    const attempt = await tokens(first, "DELETE", { cookie: stranger.cookie, id: created.id });
    expect(attempt.status).toBe(404);
    expect(await attempt.json()).toEqual({ code: "not_found", message: expect.any(String) });
    expect(await tryConnect(first, created.token)).toEqual({ userId: created.id });
    expect(await listTokens(first, stranger.cookie)).toEqual([]);
    for (const id of ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
      expect((await tokens(first, "DELETE", { cookie: owner.cookie, id })).status).toBe(404);
  });

  it("refuses the routes to anyone not signed in, a bot's own token included", async () => {
    const owner = await signUp(first, newTestAccount());
    const created = await createToken(first, owner.cookie, "Minter");
    for (const response of [
      await tokens(first, "GET"),
      await tokens(first, "POST", { body: { name: "Sneaky" } }),
      await tokens(first, "POST", {
        body: { name: "Sneaky" },
        headers: { authorization: `Bearer ${created.token}` },
      }),
      await tokens(first, "DELETE", { id: created.id }),
    ]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ code: "unauthorized", message: expect.any(String) });
    }
    expect((await listTokens(first, owner.cookie)).map((t) => t.name)).toEqual(["Minter"]);
  });

  it("refuses a change from another site's page, signed in or not (CSRF)", async () => {
    const owner = await signUp(first, newTestAccount());
    const created = await createToken(first, owner.cookie, "Target");
    const foreign = { origin: "https://evil.example" };
    const post = await tokens(first, "POST", {
      cookie: owner.cookie,
      body: { name: "Planted" },
      headers: foreign,
    });
    const remove = await tokens(first, "DELETE", {
      cookie: owner.cookie,
      id: created.id,
      headers: foreign,
    });
    for (const response of [post, remove]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: "FORBIDDEN_ORIGIN" });
    }
    expect((await listTokens(first, owner.cookie)).map((t) => t.name)).toEqual(["Target"]);
  });

  it("refuses a name the chat would refuse, and a token past the account's limit", async () => {
    const owner = await signUp(first, newTestAccount());
    for (const name of ["", "   ", "x".repeat(41), "\u202Eevil"]) {
      const response = await tokens(first, "POST", { cookie: owner.cookie, body: { name } });
      expect(response.status, name).toBe(400);
      expect(await response.json()).toMatchObject({ code: "invalid_name" });
    }
    await Promise.all(
      Array.from({ length: MAX_BOT_TOKENS_PER_ACCOUNT }, (_, i) =>
        createToken(first, owner.cookie, `Bot ${i}`),
      ),
    );
    const over = await tokens(first, "POST", { cookie: owner.cookie, body: { name: "One more" } });
    expect(over.status).toBe(409);
    expect(await over.json()).toEqual({
      code: "too_many_tokens",
      message: expect.stringContaining(`at most ${MAX_BOT_TOKENS_PER_ACCOUNT}`),
    });
    expect(await listTokens(first, owner.cookie)).toHaveLength(MAX_BOT_TOKENS_PER_ACCOUNT);
  });

  it("disabling the owner disconnects the bots and refuses their tokens; enabling lets them back", async () => {
    const owner = await signUp(first, newTestAccount());
    const created = await createToken(first, owner.cookie, "Owned bot");
    const bot = await last.connect({ auth: { token: created.token } });
    const context = await first.app.accounts?.auth.$context;
    if (!context) throw new Error("no accounts");

    const gone = disconnected(bot.socket);
    // As the admin plugin bans: the flag set through better-auth's adapter, whose hook ends the connections.
    await context.internalAdapter.updateUser(owner.accountId, { banned: true });
    await gone;
    expect(await tryConnect(last, created.token)).toEqual({
      refused: expect.stringContaining("disabled"),
    });
    await context.internalAdapter.updateUser(owner.accountId, { banned: false });
    expect(await tryConnect(last, created.token)).toEqual({ userId: created.id });
  });

  it("keeps guests' own session tokens working beside bot tokens", async () => {
    const guest = await first.connect();
    const token = botTokenOf(guest.session);
    expect(token.startsWith("sbb_")).toBe(false);
    const again = await last.connect({ auth: { token } });
    expect(again.session.user.id).toBe(guest.session.user.id);
    expect(again.session.account).toBeUndefined();
  });

  it("refuses a made-up token of the bot format rather than making it a guest", async () => {
    expect(await tryConnect(first, `sbb_${"A".repeat(43)}`)).toEqual({
      refused: expect.stringContaining("not valid"),
    });
    expect(await tryConnect(first, "sbb_short")).toEqual({
      refused: expect.stringContaining("not valid"),
    });
  });
});

describe("bot tokens with GUEST_ACCESS=off", () => {
  let server: ChatTestServer;
  beforeAll(async () => {
    server = await ChatTestServer.start({ accounts: { guestAccess: false } });
  });
  afterAll(() => server.dispose());

  it("lets an account's bot connect while a guest's token is refused", async () => {
    const guestToken = await (async () => {
      // A guest token this server signed, as one issued before guests were turned off would be.
      const open = await ChatTestServer.start();
      try {
        const guest = await open.connect();
        return botTokenOf(guest.session);
      } finally {
        await open.dispose();
      }
    })();
    const owner = await signUp(server, newTestAccount());
    const created = await createToken(server, owner.cookie, "Night bot");
    expect(await tryConnect(server, created.token)).toEqual({ userId: created.id });
    expect(await tryConnect(server, guestToken)).toEqual({
      refused: expect.stringContaining("Sign in"),
    });
  });
});
