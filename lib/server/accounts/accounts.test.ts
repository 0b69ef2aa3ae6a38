import { getMigrations } from "better-auth/db/migration";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authPost, cookiesOf, newTestAccount, signIn, signUp } from "../testing/accounts";
import { ChatTestServer, request } from "../testing/chat-test-server";
import {
  postgresDeployment,
  redisDeployment,
  sqliteDeployment,
  type TestDeployment,
} from "../testing/test-deployments";
import { ACCOUNT_SESSION_COOKIE } from "./accounts";

/** The time the issue allows between ending a session and its sockets going. */
const DISCONNECT_WITHIN_MS = 1_000;

function disconnected(socket: Socket): Promise<number> {
  const start = Date.now();
  return new Promise((resolve) => {
    if (!socket.connected) resolve(0);
    socket.once("disconnect", () => resolve(Date.now() - start));
  });
}

async function listSessions(server: ChatTestServer, cookie: string) {
  const response = await fetch(`${server.url}/api/auth/list-sessions`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; token: string; userAgent: string | null }[];
}

describe.each([
  ["SQLite", sqliteDeployment],
  ["Postgres", postgresDeployment],
  ["two instances on Redis", redisDeployment],
] as const)("accounts on %s", (_name, deploy) => {
  let deployment: TestDeployment;
  let first: ChatTestServer;
  let last: ChatTestServer;
  /** The deployment's first account, and so its admin. */
  let admin: Headers;
  beforeAll(async () => {
    deployment = await deploy();
    first = deployment.servers[0] as ChatTestServer;
    last = deployment.servers.at(-1) as ChatTestServer;
    admin = new Headers({ cookie: (await signUp(first, newTestAccount("Admin"))).cookie });
  });
  afterAll(() => deployment.dispose());

  it("signs up and signs in: every device of the account is one chat identity under one name", async () => {
    const person = newTestAccount("Ana Sousa");
    const laptop = await signUp(first, person);
    const phone = await signIn(last, person);
    expect(phone.cookie).not.toBe(laptop.cookie);

    const onLaptop = await first.connect({ extraHeaders: { cookie: laptop.cookie } });
    const onPhone = await last.connect({ extraHeaders: { cookie: phone.cookie } });
    for (const { session } of [onLaptop, onPhone]) {
      expect(session.user).toEqual({ id: laptop.chatUserId, name: "Ana Sousa", guest: false });
      expect(session.account).toEqual({ email: person.email, role: expect.any(String) });
      // A browser signed in never gets a credential its scripts could read.
      expect(session.token).toBeUndefined();
    }
    await request(onLaptop.socket, "room:join", { room: "one-identity" });
    await request(onPhone.socket, "room:join", { room: "one-identity" });
    const sent = await request(onPhone.socket, "message:send", {
      room: "one-identity",
      clientId: "from-phone",
      text: "written on the phone",
    });
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    expect(sent.message.author).toMatchObject({ id: laptop.chatUserId, name: "Ana Sousa" });
  });

  it("signs up many people at once while the chat is writing, none refused", async () => {
    const writer = await first.connect();
    await request(writer.socket, "room:join", { room: "busy" });
    const sends = Array.from({ length: 40 }, (_, i) =>
      request(writer.socket, "message:send", {
        room: "busy",
        clientId: `busy-${i}`,
        text: `m${i}`,
      }),
    );
    const people = Array.from({ length: 8 }, (_, i) => newTestAccount(`Person ${i}`));
    const answers = await Promise.all(
      people.map((person) => authPost(first, "/sign-up/email", person)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(people.map(() => 200));
    expect((await Promise.all(sends)).filter((sent) => !sent.ok)).toEqual([]);
  });

  it("answers a wrong password and an unknown address alike", async () => {
    const person = newTestAccount();
    await signUp(first, person);
    const wrong = await authPost(first, "/sign-in/email", {
      email: person.email,
      password: "not-the-password-at-all",
    });
    const unknown = await authPost(first, "/sign-in/email", {
      email: `nobody-${Date.now()}@example.test`,
      password: "not-the-password-at-all",
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it("ends a session on every instance within a second, and its cookie no longer signs in", async () => {
    const person = newTestAccount();
    const laptop = await signUp(first, person);
    const phone = await signIn(first, person);
    const onPhone = await last.connect({ extraHeaders: { cookie: phone.cookie } });
    const sessions = await listSessions(first, laptop.cookie);
    expect(sessions).toHaveLength(2);
    const phoneSession = sessions.find(
      (session) =>
        phone.cookie.includes(encodeURIComponent(session.token)) ||
        phone.cookie.includes(session.token),
    );
    if (!phoneSession) throw new Error("the phone's session is not listed");

    const gone = disconnected(onPhone.socket);
    const revoked = await authPost(
      first,
      "/revoke-session",
      { token: phoneSession.token },
      { cookie: laptop.cookie },
    );
    expect(revoked.status).toBe(200);
    expect(await gone).toBeLessThan(DISCONNECT_WITHIN_MS);
    // Guests are on: the ended session's browser may still chat, as a guest.
    const again = await last.connect({ extraHeaders: { cookie: phone.cookie } });
    expect(again.session.account).toBeUndefined();
    expect(again.session.user.id).not.toBe(laptop.chatUserId);
    expect(await listSessions(first, laptop.cookie)).toHaveLength(1);
  });

  it("signs out everywhere: every connection of every session goes", async () => {
    const person = newTestAccount();
    const laptop = await signUp(first, person);
    const phone = await signIn(last, person);
    const sockets = await Promise.all([
      first.connect({ extraHeaders: { cookie: laptop.cookie } }),
      last.connect({ extraHeaders: { cookie: phone.cookie } }),
      first.connect({ extraHeaders: { cookie: phone.cookie } }),
    ]);
    const gone = sockets.map(({ socket }) => disconnected(socket));
    const response = await authPost(last, "/revoke-sessions", {}, { cookie: laptop.cookie });
    expect(response.status).toBe(200);
    for (const took of await Promise.all(gone)) expect(took).toBeLessThan(DISCONNECT_WITHIN_MS);
    expect(await first.app.accounts?.signedInFromCookie(phone.cookie)).toBeNull();
  });

  it("keeps a guest's identity, name and messages when the guest signs up", async () => {
    const guestCookie = await first.issueIdentityCookie();
    const asGuest = await first.connect({ extraHeaders: { cookie: guestCookie } });
    const guestId = asGuest.session.user.id;
    await request(asGuest.socket, "room:join", { room: "upgrade" });
    const sent = await request(asGuest.socket, "message:send", {
      room: "upgrade",
      clientId: "as-guest",
      text: "before I had an account",
    });
    expect(sent.ok).toBe(true);
    asGuest.socket.disconnect();

    const signedUp = await signUp(first, newTestAccount("Bea Guest"), { guestCookie });
    expect(signedUp.chatUserId).toBe(guestId);
    const asAccount = await last.connect({ extraHeaders: { cookie: signedUp.cookie } });
    expect(asAccount.session.user).toEqual({ id: guestId, name: "Bea Guest", guest: false });
    const joined = await request(asAccount.socket, "room:join", { room: "upgrade" });
    if (!joined.ok) throw new Error(JSON.stringify(joined));
    // The message stays theirs; as after any rename, it keeps the name it was written under.
    expect(joined.messages.map((m) => [m.text, m.author.id])).toEqual([
      ["before I had an account", guestId],
    ]);
    expect(await first.store.users.find(guestId)).toMatchObject({ name: "Bea Guest" });
    // Signed out, the browser's old guest cookie no longer speaks as the account.
    const afterSignOut = await first.connect({ extraHeaders: { cookie: guestCookie } });
    expect(afterSignOut.session.user.id).not.toBe(guestId);
  });

  it("disables an account: its connections go, and it cannot sign in until enabled", async () => {
    const api = first.app.accounts?.auth.api;
    if (!api) throw new Error("no accounts");
    const person = newTestAccount();
    const { cookie, accountId } = await signUp(first, person);
    const { socket } = await last.connect({ extraHeaders: { cookie } });
    const gone = disconnected(socket);
    await api.banUser({ body: { userId: accountId }, headers: admin });
    expect(await gone).toBeLessThan(DISCONNECT_WITHIN_MS);
    const refused = await authPost(first, "/sign-in/email", person);
    expect(refused.status).toBe(403);
    await api.unbanUser({ body: { userId: accountId }, headers: admin });
    expect((await authPost(first, "/sign-in/email", person)).status).toBe(200);
  });
});

describe("the first account", () => {
  it("is the server's admin; later ones are not, unless listed in ADMIN_EMAILS", async () => {
    const server = await ChatTestServer.start({ accounts: { adminEmails: ["boss@example.test"] } });
    try {
      const first = await signUp(server, newTestAccount());
      const second = await signUp(server, newTestAccount());
      const boss = await signUp(server, { ...newTestAccount(), email: "Boss@Example.test" });
      const role = async (cookie: string) =>
        (await server.app.accounts?.signedInFromCookie(cookie))?.role;
      expect(await role(first.cookie)).toBe("admin");
      expect(await role(second.cookie)).toBe("user");
      expect(await role(boss.cookie)).toBe("admin");
    } finally {
      await server.dispose();
    }
  });
});

describe("sign-in limits", () => {
  it("refuse more attempts per account than allowed, with a clear answer, whatever the password", async () => {
    const server = await ChatTestServer.start({
      accounts: { signInLimits: { perAccount: 3, perAddress: 100, windowMs: 60_000 } },
    });
    try {
      const person = newTestAccount();
      await signUp(server, person);
      for (let attempt = 0; attempt < 3; attempt += 1)
        expect(
          (await authPost(server, "/sign-in/email", { ...person, password: "wrong-guess-123" }))
            .status,
        ).toBe(401);
      const limited = await authPost(server, "/sign-in/email", person);
      expect(limited.status).toBe(429);
      expect(((await limited.json()) as { message: string }).message).toMatch(
        /Too many sign-in attempts/,
      );
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      // Another account from the same address is not held up by this one's limit.
      const other = newTestAccount();
      await signUp(server, other);
      expect((await authPost(server, "/sign-in/email", other)).status).toBe(200);
    } finally {
      await server.dispose();
    }
  });

  it("refuse more attempts per address than allowed, across accounts", async () => {
    const server = await ChatTestServer.start({
      accounts: { signInLimits: { perAccount: 100, perAddress: 4, windowMs: 60_000 } },
    });
    try {
      const people = [newTestAccount(), newTestAccount(), newTestAccount()];
      for (const person of people) await signUp(server, person);
      const statuses = [];
      for (const person of [...people, ...people])
        statuses.push((await authPost(server, "/sign-in/email", person)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await server.dispose();
    }
  });
});

describe("with GUEST_ACCESS=off", () => {
  let server: ChatTestServer;
  beforeAll(async () => {
    server = await ChatTestServer.start({ accounts: { guestAccess: false } });
  });
  afterAll(() => server.dispose());

  it("refuses a handshake that proves no account, and gives no guest cookie", async () => {
    const page = await fetch(`${server.url}/chat/general`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/sign-in?next=%2Fchat%2Fgeneral");
    expect(page.headers.getSetCookie()).toEqual([]);
    await expect(server.connect()).rejects.toMatchObject({
      message: "unauthorized",
      data: { code: "unauthorized", message: "Sign in to chat on this server." },
    });
    const rooms = await fetch(`${server.url}/api/rooms`);
    expect(rooms.status).toBe(401);
    const signInPage = await server.fetchPage("/sign-in");
    expect(signInPage.status).toBe(200);
  });

  it("admits a signed-in person to the pages and the socket", async () => {
    const { cookie, chatUserId } = await signUp(server, newTestAccount("Cai"));
    expect((await server.fetchPage("/chat/general", cookie)).status).toBe(200);
    const { session } = await server.connect({ extraHeaders: { cookie } });
    expect(session.user.id).toBe(chatUserId);
  });
});

describe("the session cookie and the auth routes", () => {
  let server: ChatTestServer;
  beforeAll(async () => {
    server = await ChatTestServer.start({ limits: { trustProxy: true } });
  });
  afterAll(() => server.dispose());

  it("is HttpOnly and SameSite=Lax, and Secure behind TLS", async () => {
    const plain = await authPost(server, "/sign-up/email", newTestAccount());
    const [cookie] = plain.headers
      .getSetCookie()
      .filter((c) => c.startsWith(ACCOUNT_SESSION_COOKIE));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const tls = await authPost(server, "/sign-up/email", newTestAccount(), {
      "x-forwarded-proto": "https",
    });
    const [secure] = tls.headers.getSetCookie().filter((c) => c.startsWith(ACCOUNT_SESSION_COOKIE));
    expect(secure).toMatch(/; Secure/);
  });

  it("rotates the session on every sign-in", async () => {
    const person = newTestAccount();
    const { cookie } = await signUp(server, person);
    const again = await signIn(server, person);
    expect(again.cookie).not.toBe(cookie);
    expect(await server.app.accounts?.signedInFromCookie(cookie)).not.toBeNull();
  });

  it("refuses a state-changing request from another site's page (CSRF)", async () => {
    const person = newTestAccount();
    const { cookie } = await signUp(server, person);
    const forged = await fetch(`${server.url}/api/auth/revoke-sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example", cookie },
      body: "{}",
    });
    expect(forged.status).toBe(403);
    expect(await server.app.accounts?.signedInFromCookie(cookie)).not.toBeNull();
  });

  it("refuses a common password and a bad display name with a clear message, storing nothing", async () => {
    const person = newTestAccount();
    const common = await authPost(server, "/sign-up/email", { ...person, password: "password123" });
    expect(common.status).toBe(400);
    expect(await common.json()).toMatchObject({ message: expect.stringMatching(/most common/) });
    const badName = await authPost(server, "/sign-up/email", { ...person, name: "\u202e\u202e" });
    expect(badName.status).toBe(400);
    expect(cookiesOf(badName)).not.toContain(ACCOUNT_SESSION_COOKIE);
    // Neither attempt created the account: the address is still free.
    expect((await authPost(server, "/sign-up/email", person)).status).toBe(200);
  });
});

describe("the auth schema", () => {
  it.each([
    ["SQLite", sqliteDeployment],
    ["Postgres", postgresDeployment],
  ] as const)(
    "is what better-auth expects on %s: our migration 6 leaves it nothing to do",
    async (_name, deploy) => {
      const deployment = await deploy();
      try {
        const accounts = deployment.servers[0]?.app.accounts;
        if (!accounts) throw new Error("no accounts");
        const { toBeCreated, toBeAdded } = await getMigrations(
          (await accounts.auth.$context).options,
        );
        expect({ toBeCreated, toBeAdded }).toEqual({ toBeCreated: [], toBeAdded: [] });
      } finally {
        await deployment.dispose();
      }
    },
  );
});
