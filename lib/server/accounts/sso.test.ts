import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../store/postgres-store";
import { authPost, newTestAccount, signIn, signUp } from "../testing/accounts";
import { ChatTestServer } from "../testing/chat-test-server";
import { CookieJar, OidcTestProvider, signInThroughProvider } from "../testing/oidc-test-provider";
import { createTestSchema } from "../testing/postgres";
import { linkIn, SmtpCapture } from "../testing/smtp-capture";
import {
  postgresDeployment,
  sqliteDeployment,
  type TestDeployment,
} from "../testing/test-deployments";
import { ACCOUNT_SESSION_COOKIE } from "./accounts";
import { SSO_PROVIDER_ID } from "./auth";
import { FALLBACK_ACCOUNT_NAME } from "./provider-profile";
import { SSO_DISCOVERY_WAIT_MS } from "./sso-provider";

const ADMIN_EMAIL = "boss@example.test";

const engines = [
  { name: "SQLite", deploy: sqliteDeployment },
  { name: "Postgres", deploy: postgresDeployment },
];

describe.each(engines)("single sign-on through an OpenID Connect provider, on $name", (engine) => {
  const client = { clientId: "scrollback-test", clientSecret: "a-long-client-secret-for-tests" };
  let provider: OidcTestProvider;
  let mail: SmtpCapture;
  let deployment: TestDeployment;
  let server: ChatTestServer;

  beforeAll(async () => {
    mail = await SmtpCapture.start();
    provider = await OidcTestProvider.start(() => ({
      ...client,
      redirectUri: `${server.url}/api/auth/callback/${SSO_PROVIDER_ID}`,
    }));
    deployment = await engine.deploy({
      accounts: {
        mail: { smtpUrl: mail.url, from: "Scrollback <chat@example.test>" },
        sso: { issuer: provider.issuer, ...client, name: "Example Corp" },
        adminEmails: [ADMIN_EMAIL],
      },
    });
    [server] = deployment.servers as [ChatTestServer];
  });
  afterAll(async () => {
    await deployment?.dispose();
    await provider?.close();
    await mail?.close();
  });

  /** The whole authorization-code flow, as a browser with `jar`'s cookies goes through it. */
  async function signInWithSso(login: string, jar = new CookieJar()) {
    const started = await jar.fetch(new URL(`${server.url}/api/auth/sign-in/social`), {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({
        provider: SSO_PROVIDER_ID,
        callbackURL: "/",
        errorCallbackURL: "/sign-in",
      }),
    });
    const body = (await started.json()) as { url?: string; redirect?: boolean };
    expect(started.status, JSON.stringify(body)).toBe(200);
    expect(body.redirect).toBe(true);
    const authorize = new URL(body.url ?? "");
    expect(authorize.origin).toBe(provider.issuer);

    const callback = await signInThroughProvider(jar, authorize, login);
    expect(callback.origin).toBe(server.url);
    expect(callback.pathname).toBe(`/api/auth/callback/${SSO_PROVIDER_ID}`);
    const landed = await jar.fetch(callback);
    expect(landed.status).toBe(302);
    const location = new URL(landed.headers.get("location") ?? "", server.url);
    const cookie = jar
      .header(new URL(server.url))
      .split("; ")
      .find((pair) => pair.startsWith(`${ACCOUNT_SESSION_COOKIE}=`));
    return { location, cookie };
  }

  /** A password account whose address was confirmed by mail. */
  async function confirmedPasswordAccount(name: string) {
    const account = newTestAccount(name);
    const signedUp = await signUp(server, account);
    const link = linkIn(await mail.nth(account.email, 1));
    expect((await fetch(link, { redirect: "manual" })).status).toBe(302);
    return { account, ...signedUp };
  }

  it("says so in its features", () => {
    expect(server.app.accounts?.features.sso).toEqual({
      name: "Example Corp",
      providerId: SSO_PROVIDER_ID,
    });
  });

  it("a person new to the chat signs in through the provider, and their socket speaks as that account", async () => {
    const email = newTestAccount().email;
    provider.users.set("ines", { login: "ines", email, emailVerified: true, name: "Ines Duarte" });

    const { location, cookie } = await signInWithSso("ines");
    expect(location.pathname).toBe("/");
    if (!cookie) throw new Error("no session cookie after single sign-on");
    const signedIn = await server.app.accounts?.signedInFromCookie(cookie);
    expect(signedIn).toMatchObject({ email, emailVerified: true, name: "Ines Duarte" });

    const { session } = await server.connect({ extraHeaders: { cookie } });
    expect(session.account?.email).toBe(email);
    expect(session.user).toMatchObject({ id: signedIn?.chatUserId, name: "Ines Duarte" });

    // Again, from another browser: the same account, found by the provider's subject.
    const again = await signInWithSso("ines");
    const second = await server.app.accounts?.signedInFromCookie(again.cookie);
    expect(second?.accountId).toBe(signedIn?.accountId);
    expect(second?.chatUserId).toBe(signedIn?.chatUserId);
    expect(second?.sessionId).not.toBe(signedIn?.sessionId);
  });

  it("ADMIN_EMAILS holds for an account made through the provider; others are not admins", async () => {
    provider.users.set("boss", { login: "boss", email: ADMIN_EMAIL, emailVerified: true });
    const boss = await signInWithSso("boss");
    expect((await server.app.accounts?.signedInFromCookie(boss.cookie))?.role).toBe("admin");
    provider.users.set("staff", {
      login: "staff",
      email: newTestAccount().email,
      emailVerified: true,
    });
    const staff = await signInWithSso("staff");
    expect((await server.app.accounts?.signedInFromCookie(staff.cookie))?.role).toBe("user");
  });

  it("a guest who signs in through the provider keeps their chat identity", async () => {
    const guestCookie = await server.issueIdentityCookie();
    const guest = await server.connect({ extraHeaders: { cookie: guestCookie } });
    const jar = new CookieJar();
    jar.add(server.url, guestCookie);
    provider.users.set("guest", {
      login: "guest",
      email: newTestAccount().email,
      emailVerified: true,
      name: "Former Guest",
    });
    const { cookie } = await signInWithSso("guest", jar);
    const signedIn = await server.app.accounts?.signedInFromCookie(cookie);
    expect(signedIn?.chatUserId).toBe(guest.session.user.id);
    expect((await server.store.users.find(guest.session.user.id))?.name).toBe("Former Guest");
  });

  it("links to the password account of the same address when the provider verified it", async () => {
    const { account, accountId, chatUserId } = await confirmedPasswordAccount("Linked Person");
    provider.users.set("linked", { login: "linked", email: account.email, emailVerified: true });

    const { location, cookie } = await signInWithSso("linked");
    expect(location.pathname).toBe("/");
    const signedIn = await server.app.accounts?.signedInFromCookie(cookie);
    expect(signedIn).toMatchObject({ accountId, chatUserId, email: account.email });
    // The account keeps its name and its password.
    expect(signedIn?.name).toBe("Linked Person");
    await signIn(server, account);
  });

  it("does not link when the provider has not verified the address", async () => {
    const { account, accountId } = await confirmedPasswordAccount("Unlinked Person");
    provider.users.set("unverified", {
      login: "unverified",
      email: account.email,
      emailVerified: false,
      name: "Someone Else",
    });

    const { location, cookie } = await signInWithSso("unverified");
    expect(location.pathname).toBe("/sign-in");
    expect(location.searchParams.get("error")).toBe("account_not_linked");
    expect(cookie).toBeUndefined();
    // The account is untouched: its password signs in, its name is its own.
    const { cookie: own } = await signIn(server, account);
    expect(await server.app.accounts?.signedInFromCookie(own)).toMatchObject({
      accountId,
      name: "Unlinked Person",
    });
  });

  it("does not link to an account whose address was never confirmed (whoever chose its password may not own it)", async () => {
    const account = newTestAccount("Unconfirmed Person");
    await signUp(server, account);
    provider.users.set("owner", { login: "owner", email: account.email, emailVerified: true });
    const { location, cookie } = await signInWithSso("owner");
    expect(location.searchParams.get("error")).toBe("account_not_linked");
    expect(cookie).toBeUndefined();
  });

  it("a provider that gives no name: the chat calls the person Member, never by their address", async () => {
    const email = newTestAccount().email;
    provider.users.set("nameless", { login: "nameless", email, emailVerified: true });
    const { cookie } = await signInWithSso("nameless");
    const signedIn = await server.app.accounts?.signedInFromCookie(cookie);
    expect(signedIn).toMatchObject({ email, name: FALLBACK_ACCOUNT_NAME });
    expect((await server.store.users.find(signedIn?.chatUserId ?? ""))?.name).toBe(
      FALLBACK_ACCOUNT_NAME,
    );
  });

  it("authenticates to the token endpoint with HTTP Basic, which every provider accepts", () => {
    expect(provider.tokenRequests.length).toBeGreaterThan(0);
    const expected = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`;
    for (const request of provider.tokenRequests) expect(request.authorization).toBe(expected);
  });
});

describe("two instances on one Postgres database", () => {
  const client = { clientId: "scrollback-pair", clientSecret: "a-third-long-client-secret" };
  let provider: OidcTestProvider;
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let first: ChatTestServer;
  let second: ChatTestServer;

  beforeAll(async () => {
    schema = await createTestSchema();
    provider = await OidcTestProvider.start(() => ({
      ...client,
      redirectUri: `${first.url}/api/auth/callback/${SSO_PROVIDER_ID}`,
    }));
    const start = (publicUrl?: string) =>
      ChatTestServer.start({
        openStore: () => PostgresStore.open(schema.url),
        database: { engine: "postgres", url: schema.url },
        accounts: {
          publicUrl,
          sso: { issuer: provider.issuer, ...client, name: "Example Corp" },
        },
      });
    first = await start();
    // Behind one public address, as a load balancer puts them: the first one's.
    second = await start(first.url);
  });
  afterAll(async () => {
    await second?.dispose();
    await first?.dispose();
    await provider?.close();
    await schema?.drop();
  });

  it("a sign-in begun on one instance finishes on the other", async () => {
    const email = newTestAccount().email;
    provider.users.set("roaming", {
      login: "roaming",
      email,
      emailVerified: true,
      name: "Roaming",
    });
    const jar = new CookieJar();
    const started = await jar.fetch(new URL(`${first.url}/api/auth/sign-in/social`), {
      method: "POST",
      headers: { "content-type": "application/json", origin: first.url },
      body: JSON.stringify({ provider: SSO_PROVIDER_ID, callbackURL: "/" }),
    });
    const { url } = (await started.json()) as { url: string };
    const callback = await signInThroughProvider(jar, new URL(url), "roaming");
    expect(callback.origin).toBe(first.url);

    // The balancer sends the provider's redirect to the other instance.
    const onSecond = new URL(callback.pathname + callback.search, second.url);
    const landed = await fetch(onSecond, {
      redirect: "manual",
      headers: { cookie: jar.header(callback) },
    });
    expect(landed.status).toBe(302);
    expect(new URL(landed.headers.get("location") ?? "", first.url).pathname).toBe("/");
    const cookie = landed.headers
      .getSetCookie()
      .map((line) => line.split(";", 1)[0] ?? "")
      .find((pair) => pair.startsWith(`${ACCOUNT_SESSION_COOKIE}=`));
    if (!cookie) throw new Error("no session cookie from the second instance");
    expect((await first.app.accounts?.signedInFromCookie(cookie))?.email).toBe(email);
  });
});

describe("a provider that is down when the chat starts", () => {
  const client = { clientId: "scrollback-outage", clientSecret: "another-long-client-secret" };
  let provider: OidcTestProvider;

  beforeAll(async () => {
    provider = await OidcTestProvider.start(() => ({ ...client, redirectUri: redirectUri() }));
  });
  afterAll(() => provider?.close());
  let redirectUri = () => "";

  async function startChat(): Promise<ChatTestServer> {
    const server = await ChatTestServer.start({
      accounts: { sso: { issuer: provider.issuer, ...client, name: "Example Corp" } },
    });
    redirectUri = () => `${server.url}/api/auth/callback/${SSO_PROVIDER_ID}`;
    return server;
  }

  const startSso = (server: ChatTestServer) =>
    authPost(server, "/sign-in/social", { provider: SSO_PROVIDER_ID, callbackURL: "/" });

  it("not answering: every other way in works at once, and SSO says the provider is not answering", async () => {
    provider.outage = "silent";
    const server = await startChat();
    try {
      const began = Date.now();
      const { cookie } = await signUp(server, newTestAccount("Meanwhile"));
      expect(await server.app.accounts?.signedInFromCookie(cookie)).not.toBeNull();
      expect(Date.now() - began).toBeLessThan(SSO_DISCOVERY_WAIT_MS);

      const refused = await startSso(server);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({
        code: "SSO_UNAVAILABLE",
        message: "Example Corp is not answering; try again in a minute.",
      });
      expect(Date.now() - began).toBeLessThan(SSO_DISCOVERY_WAIT_MS * 2 + 2_000);

      // Back: the next sign-in through it goes ahead, with no restart.
      provider.outage = "none";
      const started = await startSso(server);
      expect(started.status).toBe(200);
      const { url } = (await started.json()) as { url: string };
      expect(new URL(url).origin).toBe(provider.issuer);
    } finally {
      provider.outage = "none";
      await server.dispose();
    }
  });

  it("refusing connections: SSO comes back once the provider does, with no restart", async () => {
    provider.outage = "refuse";
    const server = await startChat();
    try {
      expect((await startSso(server)).status).toBe(503);
      provider.outage = "none";
      const email = newTestAccount().email;
      provider.users.set("later", { login: "later", email, emailVerified: true, name: "Later" });
      const jar = new CookieJar();
      const started = await jar.fetch(new URL(`${server.url}/api/auth/sign-in/social`), {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ provider: SSO_PROVIDER_ID, callbackURL: "/" }),
      });
      const { url } = (await started.json()) as { url: string };
      const callback = await signInThroughProvider(jar, new URL(url), "later");
      expect((await jar.fetch(callback)).status).toBe(302);
      const cookie = jar.header(new URL(server.url));
      expect((await server.app.accounts?.signedInFromCookie(cookie))?.email).toBe(email);
    } finally {
      provider.outage = "none";
      await server.dispose();
    }
  });
});

describe("without single sign-on", () => {
  let server: ChatTestServer;
  beforeAll(async () => {
    server = await ChatTestServer.start();
  });
  afterAll(() => server?.dispose());

  it("offers none, and the sign-in route says there is no such provider", async () => {
    expect(server.app.accounts?.features.sso).toBeNull();
    const answer = await authPost(server, "/sign-in/social", {
      provider: SSO_PROVIDER_ID,
      callbackURL: "/",
    });
    expect(answer.status).toBe(404);
  });
});
