import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { io } from "socket.io-client";
import { OidcTestProvider } from "../lib/server/testing/oidc-test-provider";
import { type CapturedMail, linkIn, SmtpCapture } from "../lib/server/testing/smtp-capture";
import { AppServer } from "./support/app-server";
import { ChatPage } from "./support/chat-page";
import { expect, test } from "./support/fixtures";

// Accounts in the browser (issue 14): signing up and in, one person on two
// devices, passkeys through Chromium's virtual authenticator, ending every
// session from the account page, and the new pages under axe in both themes.

const PASSWORD = "correct horse battery staple";

type Person = { email: string; password: string; name: string };

let people = 0;
/** A person of this test alone: the address is what makes an account. */
function newPerson(name: string): Person {
  people += 1;
  return {
    email: `${name.toLowerCase().replace(/\W+/g, ".")}.${process.pid}.${people}@example.org`,
    password: PASSWORD,
    name,
  };
}

/** The page's own alerts: Next.js keeps an empty one of its own for announcing route changes. */
function alerts(page: Page) {
  return page.getByRole("alert").filter({ hasText: /\S/ });
}

async function device(
  browser: Browser,
  baseURL: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL });
  return { context, page: await context.newPage() };
}

/** Fills and sends the sign-up form on whatever page it is (coming back to `next`). */
async function signUp(page: Page, person: Person, next = "/"): Promise<void> {
  if (!page.url().includes("/sign-up"))
    await page.goto(`/sign-up?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByLabel("Display name").fill(person.name);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).not.toHaveURL(/\/sign-up/);
}

async function signIn(
  page: Page,
  person: Pick<Person, "email" | "password">,
  next = "/",
): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

test("signed up on one device and signed in on another, a person is one entry in Online and writes under one name", async ({
  browser,
  app,
}) => {
  const room = "two-devices";
  const ada = newPerson("Ada Lovelace");
  const laptop = await device(browser, app.url);
  const phone = await device(browser, app.url);
  try {
    const onLaptop = new ChatPage(laptop.page, laptop.context);
    await test.step("a guest says something, then signs up from the room's header", async () => {
      await onLaptop.goto(room);
      await onLaptop.send("said while still a guest");
      await expect(onLaptop.stored("said while still a guest")).toBeVisible();
      const guestName = await onLaptop.name();
      await onLaptop.header.getByRole("link", { name: "Sign up" }).click();
      await expect(laptop.page.getByRole("heading", { level: 1 })).toHaveText("Sign up");
      // The name the guest chatted under is offered.
      await expect(laptop.page.getByLabel("Display name")).toHaveValue(guestName);
      await signUp(laptop.page, ada);
      await expect(laptop.page).toHaveURL(new RegExp(`/chat/${room}$`));
      await onLaptop.expectConnected();
      await expect(onLaptop.header.getByRole("link", { name: "Account" })).toBeVisible();
      await expect(onLaptop.header.getByRole("button", { name: "Sign out" })).toBeVisible();
      expect(await onLaptop.name()).toBe(ada.name);
      // The guest's message is the account's now (it keeps the name it was written under).
      await expect(
        onLaptop.said("said while still a guest").getByRole("button", { name: "Edit" }),
      ).toHaveCount(1);
    });

    const onPhone = new ChatPage(phone.page, phone.context);
    await test.step("the same person signs in on another device", async () => {
      await signIn(phone.page, ada, `/chat/${room}`);
      await expect(phone.page).toHaveURL(new RegExp(`/chat/${room}$`));
      await onPhone.expectConnected();
      expect(await onPhone.name()).toBe(ada.name);
    });

    await test.step("one person online, on both devices", async () => {
      for (const chat of [onLaptop, onPhone]) {
        await expect(chat.online.getByRole("listitem")).toHaveCount(1);
        await expect(chat.online.getByRole("listitem")).toContainText(ada.name);
      }
    });

    await test.step("messages from either device are under one name, on both", async () => {
      await onLaptop.send("from the laptop");
      await onPhone.send("from the phone");
      for (const chat of [onLaptop, onPhone]) {
        for (const text of ["from the laptop", "from the phone"]) {
          await expect(chat.said(text)).toContainText(ada.name);
        }
      }
      // Both devices are the same author, so both see the messages as their own.
      await expect(
        onPhone.said("from the laptop").getByRole("button", { name: "Edit" }),
      ).toHaveCount(1);
    });

    await test.step("the laptop signs the phone's session out from the account page", async () => {
      await laptop.page.goto("/account");
      const sessions = laptop.page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
      await expect(sessions).toHaveCount(2);
      const phoneSession = sessions.filter({ hasNotText: "This device" });
      await phoneSession.getByRole("button", { name: "Sign out", exact: true }).click();
      await expect(sessions).toHaveCount(1);
      await expect(sessions.first()).toContainText("This device");
      await expect(alerts(phone.page)).toContainText("You were signed out");
    });
  } finally {
    await laptop.context.close();
    await phone.context.close();
  }
});

test("a passkey added on the account page signs the person in alone, without a password", async ({
  browser,
  app,
}) => {
  // WebAuthn wants a domain: an IP address cannot be a relying party.
  const origin = app.url.replace("127.0.0.1", "localhost");
  const { context, page } = await device(browser, origin);
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const grace = newPerson("Grace Hopper");
    await signUp(page, grace, "/account");
    await expect(page).toHaveURL(/\/account$/);

    await test.step("add a passkey", async () => {
      const passkeys = page.getByRole("region", { name: "Passkeys" });
      await expect(passkeys.getByText("No passkeys yet.")).toBeVisible();
      await passkeys.getByRole("button", { name: "Add a passkey" }).click();
      await expect(passkeys.getByRole("status")).toContainText("Passkey added");
      await expect(
        passkeys.getByRole("list", { name: "Passkeys" }).getByRole("listitem"),
      ).toHaveCount(1);
      const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
      expect(credentials).toHaveLength(1);
    });

    await test.step("sign out, then in with the passkey alone", async () => {
      await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
      await expect(page).toHaveURL(/\/sign-in/);
      await page.getByRole("button", { name: "Sign in with a passkey" }).click();
      await expect(page).toHaveURL(/\/account$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Account");
      await expect(page.getByText(grace.email)).toBeVisible();
    });

    await test.step("a deleted passkey signs nobody in", async () => {
      const passkeys = page.getByRole("region", { name: "Passkeys" });
      await passkeys.getByRole("button", { name: "Delete" }).click();
      await expect(passkeys.getByText("No passkeys yet.")).toBeVisible();
      await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
      await expect(page).toHaveURL(/\/sign-in/);
      // The authenticator still holds it; the server no longer knows it.
      await page.getByRole("button", { name: "Sign in with a passkey" }).click();
      await expect(alerts(page)).toContainText("That passkey did not sign you in");
      await expect(page).toHaveURL(/\/sign-in/);
    });
  } finally {
    await context.close();
  }
});

test("Sign out everywhere ends the other device's session: its page says so and its socket is refused", async ({
  browser,
}) => {
  // Members only, so that the other device's browser has no guest to fall back on.
  const app = await AppServer.start({ GUEST_ACCESS: "off" });
  const room = "sign-out-everywhere";
  const alan = newPerson("Alan Turing");
  const desk = await device(browser, app.url);
  const other = await device(browser, app.url);
  try {
    await signUp(desk.page, alan, "/account");
    await signIn(other.page, alan, `/chat/${room}`);
    const onOther = new ChatPage(other.page, other.context);
    await onOther.expectConnected();

    await desk.page.reload();
    const sessions = desk.page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
    await expect(sessions).toHaveCount(2);
    await expect(sessions.first()).toContainText("This device");
    // Playwright's desktop Chrome says it runs on Windows.
    await expect(sessions.first()).toContainText("Chrome on Windows");
    await expect(sessions.nth(1)).not.toContainText("This device");

    // The other device's cookie, to try it again afterwards (its page drops it once told the session is over).
    const cookie = (await other.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    expect(cookie).toContain("scrollback.session_token=");

    await desk.page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(desk.page).toHaveURL(/\/sign-in/);

    await expect(onOther.status).not.toHaveText("Connected", { timeout: 5_000 });
    await expect(alerts(other.page)).toContainText("You were signed out");
    await expect(onOther.header.getByRole("link", { name: "Sign in" })).toBeVisible();

    // That cookie no longer opens a socket.
    const refusal = await new Promise<string>((resolve, reject) => {
      const socket = io(app.url, {
        extraHeaders: { cookie },
        reconnection: false,
        forceNew: true,
        transports: ["websocket"],
      });
      const timer = setTimeout(() => reject(new Error("no answer to the handshake")), 5_000);
      socket.on("connect", () => {
        clearTimeout(timer);
        socket.disconnect();
        reject(new Error("a revoked session's cookie opened a socket"));
      });
      socket.on("connect_error", (error) => {
        clearTimeout(timer);
        socket.disconnect();
        resolve(error.message);
      });
    });
    expect(refusal).toBe("unauthorized");
    // And the page stays off: it is not let back in by its retries.
    await expect(onOther.status).not.toHaveText("Connected");

    await other.page.getByRole("link", { name: "Sign in again" }).click();
    await expect(other.page).toHaveURL(/\/sign-in\?next=%2Fchat%2Fsign-out-everywhere$/);
  } finally {
    await desk.context.close();
    await other.context.close();
    await app.dispose();
  }
});

test("wrong credentials get one message whatever was wrong, and repeated attempts a clear refusal", async ({
  page,
}) => {
  const app = await AppServer.start({ SIGN_IN_ATTEMPTS_PER_ACCOUNT: "2" });
  try {
    const linus = newPerson("Linus");
    await page.goto(`${app.url}/sign-up`);
    await signUp(page, linus);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

    const attempt = async (email: string, password: string) => {
      await page.goto(`${app.url}/sign-in`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      return alerts(page);
    };
    await expect(await attempt(linus.email, "not the password at all")).toHaveText(
      "Wrong email or password.",
    );
    await expect(await attempt("nobody.here@example.org", PASSWORD)).toHaveText(
      "Wrong email or password.",
    );
    await expect(await attempt(linus.email, "still not the password")).toHaveText(
      "Wrong email or password.",
    );
    // Two attempts for this account (the other address's counts apart): the third is refused
    // even with the right password, and says why.
    await expect(await attempt(linus.email, linus.password)).toContainText(/too many/i);
  } finally {
    await app.dispose();
  }
});

test("the account and admin pages are for the signed-in: a guest is sent to sign in, a member sees no accounts", async ({
  browser,
  app,
}) => {
  const guest = await device(browser, app.url);
  const admin = await device(browser, app.url);
  const member = await device(browser, app.url);
  try {
    for (const path of ["/account", "/admin"]) {
      await guest.page.goto(path);
      await expect(guest.page).toHaveURL(
        new RegExp(`/sign-in\\?next=${encodeURIComponent(path)}$`),
      );
    }
    // The first account is the server's admin.
    const first = newPerson("First Admin");
    await signUp(admin.page, first, "/admin");
    const second = newPerson("Second Member");
    await signUp(member.page, second, "/admin");

    await expect(alerts(member.page)).toHaveText("Only server admins can see this page.");
    await expect(member.page.getByText(first.email)).toHaveCount(0);

    await admin.page.reload();
    const row = admin.page.getByRole("row", { name: new RegExp(second.name) });
    await expect(row).toContainText(second.email);
    await expect(row).toContainText("Active");
    await row.getByRole("button", { name: "Disable" }).click();
    await expect(row).toContainText("Disabled");

    // Disabled: signed out, and kept out.
    await member.page.goto("/account");
    await expect(member.page).toHaveURL(/\/sign-in/);
    await member.page.getByLabel("Email").fill(second.email);
    await member.page.getByLabel("Password").fill(second.password);
    await member.page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(alerts(member.page)).toHaveText(/disabled/);

    await row.getByRole("button", { name: "Enable" }).click();
    await expect(row).toContainText("Active");
    await member.page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(member.page).toHaveURL(/\/account$/);
  } finally {
    await guest.context.close();
    await admin.context.close();
    await member.context.close();
  }
});

test("a bot token is shown once, listed by name, works for a bot, and stops working once revoked", async ({
  browser,
  app,
}) => {
  const { context, page } = await device(browser, app.url);
  try {
    const owner = newPerson("Token Owner");
    await signUp(page, owner, "/account");
    const section = page.getByRole("region", { name: "Bot tokens" });
    await expect(section.getByText("No bot tokens yet.")).toBeVisible();
    await section.getByLabel("Token name").fill("deploy bot");
    await section.getByRole("button", { name: "Create token" }).click();

    const secret = section.getByLabel("New token “deploy bot”");
    await expect(secret).toBeFocused();
    const token = await secret.inputValue();
    expect(token.length).toBeGreaterThan(20);
    const rows = section.getByRole("list", { name: "Bot tokens" }).getByRole("listitem");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("deploy bot");
    await expect(rows.first()).toContainText("Never used");
    await expect(rows.first()).not.toContainText(token);

    const connect = () =>
      new Promise<string>((resolve) => {
        const socket = io(app.url, {
          auth: { token },
          reconnection: false,
          forceNew: true,
          transports: ["websocket"],
        });
        socket.on("session", (session) => {
          socket.disconnect();
          resolve(`${session.user.name} of ${session.account?.email ?? "nobody"}`);
        });
        socket.on("connect_error", (error) => resolve(`refused: ${error.message}`));
      });
    // The bot is the account's, and writes under the token's name.
    expect(await connect()).toBe(`deploy bot of ${owner.email}`);

    // Shown once: a reload lists it without its secret.
    await page.reload();
    await expect(section.getByLabel("New token “deploy bot”")).toHaveCount(0);
    await expect(rows.first()).toContainText("Last used");

    await rows.first().getByRole("button", { name: "Revoke" }).click();
    await expect(section.getByText("No bot tokens yet.")).toBeVisible();
    expect(await connect()).not.toBe(`deploy bot of ${owner.email}`);
  } finally {
    await context.close();
  }
});

test("with email, a forgotten password is reset by an emailed link, and an emailed link signs in alone", async ({
  page,
}) => {
  const smtp = await SmtpCapture.start();
  const app = await AppServer.start({ SMTP_URL: smtp.url });
  const mailTo = async (address: string, subject: RegExp): Promise<CapturedMail> => {
    await expect.poll(() => smtp.to(address).some((mail) => subject.test(mail.subject))).toBe(true);
    const found = smtp.to(address).filter((mail) => subject.test(mail.subject));
    return found[found.length - 1] as CapturedMail;
  };
  try {
    const mary = newPerson("Mary Somerville");
    await page.goto(`${app.url}/sign-up`);
    await signUp(page, mary);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

    await test.step("Forgot password? asks for a link; the link's page sets a new password", async () => {
      await page.goto(`${app.url}/sign-in`);
      await page.getByRole("link", { name: "Forgot password?" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reset your password");
      await page.getByLabel("Email").fill(mary.email);
      await page.getByRole("button", { name: "Email me a reset link" }).click();
      await expect(page.getByRole("status")).toContainText("is on its way");
      const mail = await mailTo(mary.email, /reset/i);
      await page.goto(linkIn(mail).href);
      await expect(page).toHaveURL(/\/reset-password\?token=/);
      await page.getByLabel("New password").fill("a brand new passphrase");
      await page.getByRole("button", { name: "Set the new password" }).click();
      await expect(page).toHaveURL(/\/sign-in\?reset=done$/);
      await expect(page.getByRole("status")).toContainText("Your password was changed");
    });

    await test.step("the old password no longer works; the new one does", async () => {
      await page.getByLabel("Email").fill(mary.email);
      await page.getByLabel("Password").fill(mary.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(alerts(page)).toHaveText("Wrong email or password.");
      await page.getByLabel("Password").fill("a brand new passphrase");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(page.getByRole("link", { name: "Account" })).toBeVisible();
      await page.getByRole("button", { name: "Sign out" }).click();
      await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
    });

    await test.step("Email me a sign-in link, and the link signs in", async () => {
      await page.goto(`${app.url}/sign-in?next=%2Faccount`);
      await page.getByLabel("Email").fill(mary.email);
      await page.getByRole("button", { name: "Email me a sign-in link" }).click();
      await expect(page.getByRole("status")).toContainText("a sign-in link is on its way");
      const mail = await mailTo(mary.email, /sign-in link/i);
      await page.goto(linkIn(mail).href);
      await expect(page).toHaveURL(/\/account$/);
      await expect(page.getByText(mary.email)).toBeVisible();
    });
  } finally {
    await app.dispose();
    await smtp.close();
  }
});

test("single sign-on: the sign-in page's provider button signs in through a real OpenID Connect provider", async ({
  page,
}) => {
  let appUrl = "";
  const client = { clientId: "scrollback-e2e", clientSecret: "e2e-client-secret-of-some-length" };
  const provider = await OidcTestProvider.start(() => ({
    ...client,
    redirectUri: `${appUrl}/api/auth/callback/sso`,
  }));
  const kate = newPerson("Katherine Johnson");
  provider.users.set("kate", {
    login: "kate",
    email: kate.email,
    emailVerified: true,
    name: kate.name,
  });
  const app = await AppServer.start({
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: client.clientId,
    OIDC_CLIENT_SECRET: client.clientSecret,
    OIDC_NAME: "Example Corp",
  });
  appUrl = app.url;
  try {
    await page.goto(`${app.url}/sign-in?next=%2Faccount`);
    await page.getByRole("button", { name: "Sign in with Example Corp" }).click();
    // The provider's own (development) sign-in and consent pages.
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name="login"]').fill("kate");
    await page.locator('input[name="password"]').fill("any");
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    await expect(page).toHaveURL(`${app.url}/account`);
    await expect(page.getByText(kate.email)).toBeVisible();
    await expect(page.getByText(kate.name)).toBeVisible();
  } finally {
    await app.dispose();
    await provider.close();
  }
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`the account pages pass axe in the ${colorScheme} theme`, async ({ browser, app }) => {
    const context = await browser.newContext({ baseURL: app.url, colorScheme });
    const page = await context.newPage();
    try {
      const check = async (where: string) => {
        const results = await new AxeBuilder({ page }).analyze();
        expect(
          results.violations.map(
            (v) =>
              `${where}: ${v.id} (${v.impact}) on ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
          ),
        ).toEqual([]);
      };
      await page.goto("/sign-in");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(alerts(page)).toBeVisible();
      await check("sign-in with an error");

      await page.goto("/sign-up?next=%2Faccount");
      await check("sign-up");

      await signUp(page, newPerson("Axe Admin"), "/account");
      await expect(page.getByRole("list", { name: "Sessions" })).toBeVisible();
      await expect(page.getByText("No passkeys yet.")).toBeVisible();
      // With a new token on show, once.
      await page.getByLabel("Token name").fill("deploy bot");
      await page.getByRole("button", { name: "Create token" }).click();
      await expect(page.getByLabel("New token “deploy bot”")).toBeFocused();
      await check("account");

      await page.goto("/admin");
      await expect(page.getByRole("table")).toBeVisible();
      await check("admin");
    } finally {
      await context.close();
    }
  });
}
