import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../store/postgres-store";
import {
  authPost,
  cookiesOf,
  newTestAccount,
  signIn,
  signUp,
  type TestAccount,
} from "../testing/accounts";
import { ChatTestServer, eventually } from "../testing/chat-test-server";
import { createTestSchema } from "../testing/postgres";
import { TEST_REDIS_URL } from "../testing/redis-process";
import { linkIn, SmtpCapture } from "../testing/smtp-capture";
import {
  postgresDeployment,
  sqliteDeployment,
  type TestDeployment,
} from "../testing/test-deployments";
import { ACCOUNT_SESSION_COOKIE } from "./accounts";

const engines = [
  { name: "SQLite", deploy: sqliteDeployment },
  { name: "Postgres", deploy: postgresDeployment },
];

/** Follows a link from a mail as a browser would, one hop, with the cookies it already has. */
function follow(link: URL, cookie?: string): Promise<Response> {
  return fetch(link, { redirect: "manual", ...(cookie ? { headers: { cookie } } : {}) });
}

/** The session cookie a response sets, as a Cookie header would send it back. */
function sessionCookieSet(response: Response): string | undefined {
  return cookiesOf(response)
    .split("; ")
    .find((pair) => pair.startsWith(`${ACCOUNT_SESSION_COOKIE}=`));
}

async function getSession(server: ChatTestServer, cookie: string) {
  const response = await fetch(`${server.url}/api/auth/get-session`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    user: { id: string; email: string; emailVerified: boolean };
    session: { id: string };
  } | null;
}

describe.each(engines)("email flows on $name", (engine) => {
  let mail: SmtpCapture;
  let deployment: TestDeployment;
  let server: ChatTestServer;

  beforeAll(async () => {
    mail = await SmtpCapture.start();
    deployment = await engine.deploy({
      accounts: { mail: { smtpUrl: mail.url, from: "Scrollback <chat@example.test>" } },
    });
    [server] = deployment.servers as [ChatTestServer];
  });
  afterAll(async () => {
    await deployment?.dispose();
    await mail?.close();
  });

  /** Signs up, and follows the confirmation link: an account whose address is proven. */
  async function verifiedAccount(): Promise<TestAccount & { cookie: string }> {
    const account = newTestAccount("Verified Person");
    const { cookie } = await signUp(server, account);
    const link = linkIn(await mail.nth(account.email, 1));
    expect((await follow(link, cookie)).status).toBe(302);
    return { ...account, cookie };
  }

  it("features.email is true", () => {
    expect(server.app.accounts?.features.email).toBe(true);
  });

  it("a sign-up is sent a confirmation link; following it confirms the address", async () => {
    const account = newTestAccount("Mara Lind");
    const { cookie, accountId } = await signUp(server, account);
    // Signed in at once: a chat does not wait for the mail.
    expect((await getSession(server, cookie))?.user.emailVerified).toBe(false);
    expect((await server.app.accounts?.signedInFromCookie(cookie))?.emailVerified).toBe(false);

    const sent = await mail.nth(account.email, 1);
    expect(sent.from).toBe("Scrollback <chat@example.test>");
    expect(sent.subject).toBe("Confirm your address for Scrollback");
    const link = linkIn(sent);
    expect(link.origin).toBe(server.url);
    expect(link.pathname).toBe("/api/auth/verify-email");
    // The HTML part carries the same link, intact.
    expect(sent.html).toContain(link.toString().replaceAll("&", "&#38;"));

    // Opened in another browser (no session there): confirmed, and signed in there.
    const opened = await follow(link);
    expect(opened.status).toBe(302);
    expect(new URL(opened.headers.get("location") ?? "", server.url).pathname).toBe("/");
    const there = sessionCookieSet(opened);
    expect(there).toBeDefined();
    expect((await getSession(server, there ?? ""))?.user).toMatchObject({
      id: accountId,
      emailVerified: true,
    });
    // The first browser's session sees it too, on the next look (not only after the cache's time).
    expect((await getSession(server, cookie))?.user.emailVerified).toBe(true);
    expect((await server.app.accounts?.signedInFromCookie(cookie))?.emailVerified).toBe(true);

    // It signs in only the once it confirms: followed again, it just leads on.
    const again = await follow(link);
    expect(again.status).toBe(302);
    expect(sessionCookieSet(again)).toBeUndefined();

    // A link is good for that address only: a forged token is refused.
    const forged = new URL(link);
    forged.searchParams.set("token", `${link.searchParams.get("token")}x`);
    const refused = await follow(forged);
    expect(refused.status).toBe(302);
    expect(refused.headers.get("location")).toContain("error=");
    expect(sessionCookieSet(refused)).toBeUndefined();
  });

  it("a password reset by mail: the old password is refused, the new one works, other sessions end", async () => {
    const account = newTestAccount("Reset Person");
    const { cookie: first } = await signUp(server, account);
    const { cookie: second } = await signIn(server, account);
    const { socket } = await server.connect({ extraHeaders: { cookie: second } });
    const disconnected = new Promise<string>((resolve) => socket.on("disconnect", resolve));

    const asked = await authPost(server, "/request-password-reset", {
      email: account.email,
      redirectTo: "/account/reset-password",
    });
    expect(asked.status).toBe(200);
    const sent = await mail.nth(account.email, 2);
    expect(sent.subject).toBe("Reset your Scrollback password");

    // The link leads to our page with the token, as the reset form expects it.
    const opened = await follow(linkIn(sent));
    expect(opened.status).toBe(302);
    const landing = new URL(opened.headers.get("location") ?? "", server.url);
    expect(landing.pathname).toBe("/account/reset-password");
    const token = landing.searchParams.get("token");
    expect(token).toBeTruthy();

    // Our password rules hold for a reset too.
    const weak = await authPost(server, "/reset-password", { token, newPassword: "password1" });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { code?: string }).code).toBe("PASSWORD_REFUSED");

    const newPassword = "copper-kettle-whistles-at-dawn";
    const reset = await authPost(server, "/reset-password", { token, newPassword });
    expect(reset.status, await reset.clone().text()).toBe(200);

    const old = await authPost(server, "/sign-in/email", {
      email: account.email,
      password: account.password,
    });
    expect(old.status).toBe(401);
    await signIn(server, { email: account.email, password: newPassword });

    // Every session from before the reset has ended, sockets included.
    expect(await getSession(server, first)).toBeNull();
    expect(await getSession(server, second)).toBeNull();
    expect(await server.app.accounts?.signedInFromCookie(first)).toBeNull();
    expect(await disconnected).toBe("io server disconnect");

    // The token was used up.
    const again = await authPost(server, "/reset-password", {
      token,
      newPassword: "another-long-unusual-phrase",
    });
    expect(again.status).toBe(400);
  });

  it("a sign-in link signs in the account it was sent to, once", async () => {
    const account = await verifiedAccount();
    const before = mail.to(account.email).length;
    const asked = await authPost(server, "/sign-in/magic-link", {
      email: account.email,
      callbackURL: "/",
    });
    expect(asked.status).toBe(200);
    const sent = await mail.nth(account.email, before + 1);
    expect(sent.subject).toBe("Your Scrollback sign-in link");
    const link = linkIn(sent);
    expect(link.pathname).toBe("/api/auth/magic-link/verify");

    const opened = await follow(link);
    expect(opened.status).toBe(302);
    expect(new URL(opened.headers.get("location") ?? "", server.url).pathname).toBe("/");
    const cookie = sessionCookieSet(opened);
    if (!cookie) throw new Error("the sign-in link set no session cookie");
    const signedIn = await server.app.accounts?.signedInFromCookie(cookie);
    const original = await server.app.accounts?.signedInFromCookie(account.cookie);
    expect(signedIn?.email).toBe(account.email);
    expect(signedIn?.chatUserId).toBe(original?.chatUserId);
    const { session } = await server.connect({ extraHeaders: { cookie } });
    expect(session.account?.email).toBe(account.email);
    expect(session.user.id).toBe(original?.chatUserId);

    // The password still works: a confirmed address keeps what it had.
    await signIn(server, account);

    const reused = await follow(link);
    expect(reused.status).toBe(302);
    expect(reused.headers.get("location")).toContain("error=INVALID_TOKEN");
    expect(sessionCookieSet(reused)).toBeUndefined();
  });

  it("a sign-in link to an address never confirmed confirms it and drops the password chosen before", async () => {
    // Whoever signed up with the address had not proven it was theirs: the
    // mailbox's owner must not inherit a password someone else may know.
    const account = newTestAccount("Unconfirmed Person");
    const { cookie: before } = await signUp(server, account);
    await mail.nth(account.email, 1);
    expect(
      (await authPost(server, "/sign-in/magic-link", { email: account.email, callbackURL: "/" }))
        .status,
    ).toBe(200);
    const opened = await follow(linkIn(await mail.nth(account.email, 2)));
    const cookie = sessionCookieSet(opened);
    if (!cookie) throw new Error("the sign-in link set no session cookie");
    expect((await getSession(server, cookie))?.user.emailVerified).toBe(true);
    expect(await getSession(server, before)).toBeNull();
    const withPassword = await authPost(server, "/sign-in/email", {
      email: account.email,
      password: account.password,
    });
    expect(withPassword.status).toBe(401);
  });

  it("an unknown address gets the same answer as a known one, and no mail", async () => {
    const known = await verifiedAccount();
    const unknown = newTestAccount("Nobody");
    const knownMails = mail.to(known.email).length;

    const answers = async (path: string, extra: Record<string, string>) => {
      const forUnknown = await authPost(server, path, { email: unknown.email, ...extra });
      const forKnown = await authPost(server, path, { email: known.email, ...extra });
      expect(forUnknown.status).toBe(forKnown.status);
      expect(await forUnknown.json()).toEqual(await forKnown.json());
    };
    await answers("/sign-in/magic-link", { callbackURL: "/" });
    await answers("/request-password-reset", { redirectTo: "/account/reset-password" });
    await answers("/send-verification-email", { callbackURL: "/" });

    // The known address's mails have arrived (sent after the unknown's would have been).
    await mail.nth(known.email, knownMails + 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mail.to(unknown.email)).toEqual([]);
  });
});

describe("two instances on one Postgres database and one Redis", () => {
  let mail: SmtpCapture;
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let first: ChatTestServer;
  let second: ChatTestServer;

  beforeAll(async () => {
    mail = await SmtpCapture.start();
    schema = await createTestSchema();
    const redisPrefix = `test-${randomBytes(4).toString("hex")}`;
    const start = () =>
      ChatTestServer.start({
        openStore: () => PostgresStore.open(schema.url),
        database: { engine: "postgres", url: schema.url },
        redisUrl: TEST_REDIS_URL,
        redisPrefix,
        accounts: { mail: { smtpUrl: mail.url, from: "Scrollback <chat@example.test>" } },
      });
    [first, second] = await Promise.all([start(), start()]);
    await eventually(() => {
      for (const server of [first, second])
        if (!server.app.redis?.isReady()) throw new Error("Redis not ready");
    });
  });
  afterAll(async () => {
    await Promise.all([first?.dispose(), second?.dispose()]);
    await schema?.drop();
    await mail?.close();
  });

  /** The same link, as a load balancer might route it: to the other instance. */
  const onSecond = (link: URL) => new URL(link.pathname + link.search, second.url);

  it("a link asked for on one instance works on the other, and its session on both", async () => {
    const account = newTestAccount("Two Instances");
    await signUp(first, account);
    const confirmed = await follow(onSecond(linkIn(await mail.nth(account.email, 1))));
    expect(confirmed.status).toBe(302);
    const confirmedCookie = sessionCookieSet(confirmed) ?? "";
    expect((await first.app.accounts?.signedInFromCookie(confirmedCookie))?.emailVerified).toBe(
      true,
    );

    await authPost(first, "/sign-in/magic-link", { email: account.email, callbackURL: "/" });
    const opened = await follow(onSecond(linkIn(await mail.nth(account.email, 2))));
    const cookie = sessionCookieSet(opened);
    if (!cookie) throw new Error("the sign-in link set no session cookie on the second instance");
    expect((await first.app.accounts?.signedInFromCookie(cookie))?.email).toBe(account.email);

    await authPost(first, "/request-password-reset", {
      email: account.email,
      redirectTo: "/account/reset-password",
    });
    const reset = await follow(onSecond(linkIn(await mail.nth(account.email, 3))));
    const token = new URL(reset.headers.get("location") ?? "", second.url).searchParams.get(
      "token",
    );
    const newPassword = "two-instances-one-database-fine";
    expect((await authPost(second, "/reset-password", { token, newPassword })).status).toBe(200);
    await signIn(first, { email: account.email, password: newPassword });
    // Ended on the instance that did not do the reset too (told through Redis).
    await eventually(async () =>
      expect(await first.app.accounts?.signedInFromCookie(cookie)).toBeNull(),
    );
  });
});

describe("mail settings", () => {
  it("with PUBLIC_URL, the links in mails point there, whatever address the request came to", async () => {
    const mail = await SmtpCapture.start();
    const server = await ChatTestServer.start({
      accounts: {
        publicUrl: "https://chat.example.test",
        mail: { smtpUrl: mail.url, from: "Scrollback <chat@example.test>" },
      },
    });
    try {
      const account = newTestAccount("Public Person");
      await signUp(server, account);
      const link = linkIn(await mail.nth(account.email, 1));
      expect(link.origin).toBe("https://chat.example.test");
      expect(link.pathname).toBe("/api/auth/verify-email");
    } finally {
      await server.dispose();
      await mail.close();
    }
  });

  it("mail to one address is limited like sign-in attempts: nobody can have us mail someone again and again", async () => {
    const mail = await SmtpCapture.start();
    const server = await ChatTestServer.start({
      accounts: {
        mail: { smtpUrl: mail.url, from: "Scrollback <chat@example.test>" },
        signInLimits: { perAccount: 3, perAddress: 1_000, windowMs: 60_000 },
      },
    });
    try {
      const account = newTestAccount("Target Person");
      await signUp(server, account);
      await mail.nth(account.email, 1);
      const requests: Array<[string, Record<string, string>]> = [
        ["/send-verification-email", { callbackURL: "/" }],
        ["/request-password-reset", { redirectTo: "/account/reset-password" }],
        ["/sign-in/magic-link", { callbackURL: "/" }],
        ["/send-verification-email", { callbackURL: "/" }],
        ["/request-password-reset", { redirectTo: "/account/reset-password" }],
        ["/sign-in/magic-link", { callbackURL: "/" }],
      ];
      const statuses: number[] = [];
      for (const [path, extra] of requests)
        statuses.push((await authPost(server, path, { email: account.email, ...extra })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
      await mail.nth(account.email, 4);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(mail.to(account.email)).toHaveLength(4);
    } finally {
      await server.dispose();
      await mail.close();
    }
  });

  it("an SMTP server that is down: sign-up still answers at once, and the failure is logged", async () => {
    const lines: Array<{ msg?: string; level?: number }> = [];
    const logger = pino(
      { level: "info" },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    const down = await SmtpCapture.start();
    const smtpUrl = down.url;
    await down.close();
    const server = await ChatTestServer.start({
      logger,
      accounts: { mail: { smtpUrl, from: "Scrollback <chat@example.test>" } },
    });
    try {
      const { cookie } = await signUp(server, newTestAccount("Unlucky Person"));
      expect(await server.app.accounts?.signedInFromCookie(cookie)).not.toBeNull();
      await eventually(() =>
        expect(lines.some((line) => line.msg === "sending mail failed")).toBe(true),
      );
    } finally {
      await server.dispose();
    }
  });
});

describe("without an SMTP server", () => {
  let server: ChatTestServer;
  beforeAll(async () => {
    server = await ChatTestServer.start();
  });
  afterAll(() => server?.dispose());

  it("offers no email, and its routes say so", async () => {
    expect(server.app.accounts?.features.email).toBe(false);
    const account = newTestAccount("No Mail");
    // Sign-up and password sign-in do not need mail.
    const { cookie } = await signUp(server, account);
    expect((await getSession(server, cookie))?.user.emailVerified).toBe(false);

    for (const [path, body] of [
      ["/sign-in/magic-link", { email: account.email, callbackURL: "/" }],
      ["/request-password-reset", { email: account.email, redirectTo: "/" }],
      ["/send-verification-email", { email: account.email, callbackURL: "/" }],
    ] as const) {
      const answer = await authPost(server, path, body);
      expect(answer.status, path).toBe(404);
      expect(await answer.json(), path).toMatchObject({
        code: "EMAIL_NOT_SET_UP",
        message: "Email is not set up on this server.",
      });
    }
  });
});

describe.each(engines)("with REQUIRE_EMAIL_VERIFICATION=on, on $name", (engine) => {
  let mail: SmtpCapture;
  let deployment: TestDeployment;
  let server: ChatTestServer;

  beforeAll(async () => {
    mail = await SmtpCapture.start();
    deployment = await engine.deploy({
      accounts: {
        mail: { smtpUrl: mail.url, from: "Scrollback <chat@example.test>" },
        requireEmailVerification: true,
      },
    });
    [server] = deployment.servers as [ChatTestServer];
  });
  afterAll(async () => {
    await deployment?.dispose();
    await mail?.close();
  });

  /** What a sign-up answer tells its caller, without the ids and times that are new each time. */
  async function shapeOf(response: Response) {
    const body = (await response.json()) as { token: unknown; user: Record<string, unknown> };
    return {
      status: response.status,
      cookies: response.headers.getSetCookie().length,
      token: body.token,
      fields: Object.keys(body.user).sort(),
      emailVerified: body.user.emailVerified,
    };
  }

  it("answers a sign-up alike whether the address is new or taken, and mails only the new one", async () => {
    const taken = newTestAccount("First Owner");
    await authPost(server, "/sign-up/email", taken);
    await mail.nth(taken.email, 1);
    const fresh = newTestAccount("Newcomer");
    const again = await authPost(server, "/sign-up/email", { ...taken, name: "Impostor" });
    const first = await authPost(server, "/sign-up/email", fresh);
    const [againShape, firstShape] = [await shapeOf(again), await shapeOf(first)];
    expect(againShape).toEqual(firstShape);
    expect(firstShape).toMatchObject({ status: 200, cookies: 0, token: null });
    await mail.nth(fresh.email, 1);
    expect(mail.to(taken.email)).toHaveLength(1);
  });

  it("lets a guest chat on until the link is followed, and then signs them in as that guest", async () => {
    const guestCookie = await server.issueIdentityCookie();
    const asGuest = await server.connect({ extraHeaders: { cookie: guestCookie } });
    const guestId = asGuest.session.user.id;
    asGuest.socket.disconnect();
    const person = newTestAccount("Patient Guest");
    await authPost(server, "/sign-up/email", person, { cookie: guestCookie });
    // Not signed in yet: the password alone is refused until the address is confirmed.
    const early = await authPost(server, "/sign-in/email", person);
    expect(early.status).toBe(403);
    expect(((await early.json()) as { code: string }).code).toBe("EMAIL_NOT_VERIFIED");
    const meanwhile = await server.connect({ extraHeaders: { cookie: guestCookie } });
    expect(meanwhile.session.user.id).toBe(guestId);
    meanwhile.socket.disconnect();

    const confirmed = await follow(linkIn(await mail.nth(person.email, 1)), guestCookie);
    expect(confirmed.status).toBe(302);
    const cookie = sessionCookieSet(confirmed);
    if (!cookie) throw new Error("following the link signed nobody in");
    const signedIn = await server.connect({ extraHeaders: { cookie } });
    expect(signedIn.session.user).toMatchObject({
      id: guestId,
      name: "Patient Guest",
      guest: false,
    });
    // Signed in now, the guest cookie no longer speaks as the account.
    const oldGuest = await server.connect({ extraHeaders: { cookie: guestCookie } });
    expect(oldGuest.session.user.id).not.toBe(guestId);
    await signIn(server, person);
  });
});
