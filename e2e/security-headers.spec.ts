import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";

/** The nonce a Content-Security-Policy grants to scripts. */
function scriptNonce(policy: string): string | undefined {
  const scriptSrc = policy.split(";").find((d) => d.trim().startsWith("script-src"));
  return /'nonce-([^']+)'/.exec(scriptSrc ?? "")?.[1];
}

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchViolations(page: Page): Promise<string[]> {
  const fromConsole: string[] = [];
  page.on("console", (message) => {
    if (/Content[ -]Security[ -]Policy/i.test(message.text())) fromConsole.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return fromConsole;
}

const violationsIn = (page: Page) =>
  page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

test("every page response carries a CSP with a fresh nonce, and every script in it carries that nonce", async ({
  app,
  request,
}) => {
  const first = await request.get(`${app.url}/chat/headers`);
  const second = await request.get(`${app.url}/chat/headers`);
  const policy = first.headers()["content-security-policy"] ?? "";
  const nonce = scriptNonce(policy);
  expect(nonce).toBeTruthy();
  expect(scriptNonce(second.headers()["content-security-policy"] ?? "")).not.toBe(nonce);

  for (const directive of [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ]) {
    expect(policy).toContain(directive);
  }
  expect(policy).not.toContain("'unsafe-inline'");
  expect(policy).not.toContain("'unsafe-eval'");
  expect(first.headers()["x-content-type-options"]).toBe("nosniff");
  expect(first.headers()["referrer-policy"]).toBe("same-origin");

  const html = await first.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
});

test("pages fetched ahead (browser and router prefetches) carry the policy too", async ({
  app,
  request,
}) => {
  const prefetches: Record<string, string>[] = [
    { purpose: "prefetch" },
    { "sec-purpose": "prefetch" },
    { "next-router-prefetch": "1" },
    { "next-router-prefetch": "1", rsc: "1" },
  ];
  for (const headers of prefetches) {
    const response = await request.get(`${app.url}/chat/prefetched`, { headers });
    expect(response.status(), JSON.stringify(headers)).toBe(200);
    expect(
      scriptNonce(response.headers()["content-security-policy"] ?? ""),
      JSON.stringify(headers),
    ).toBeTruthy();
  }
});

test("the health check, Socket.IO and static files are left to themselves", async ({
  app,
  request,
}) => {
  const health = await request.get(`${app.url}/healthz`);
  expect(health.headers()["content-security-policy"]).toBeUndefined();
  expect(health.headers()["x-content-type-options"]).toBe("nosniff");
  const polling = await request.get(`${app.url}/socket.io/?EIO=4&transport=polling`);
  expect(polling.status()).toBe(200);
  expect(polling.headers()["content-security-policy"]).toBeUndefined();
  expect(polling.headers()["x-content-type-options"]).toBe("nosniff");

  const page = await (await request.get(`${app.url}/`)).text();
  const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(page)?.[1];
  expect(asset).toBeDefined();
  const script = await request.get(`${app.url}${asset}`);
  expect(script.status()).toBe(200);
  expect(script.headers()["content-security-policy"]).toBeUndefined();
  expect(script.headers()["x-content-type-options"]).toBe("nosniff");
});

test("the chat works under the policy without a single violation, and injected markup cannot run script", async ({
  browser,
  app,
}) => {
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  const fromConsole = await watchViolations(page);
  const other = await (await browser.newContext({ baseURL: app.url })).newPage();
  try {
    await page.goto("/chat/csp");
    await other.goto("/chat/csp");
    const log = page.getByRole("log", { name: "Messages" });
    await expect(page.getByRole("status")).toHaveText("Connected");
    await expect(other.getByRole("status")).toHaveText("Connected");

    await page.getByRole("textbox", { name: "Message" }).fill("hello under a strict policy");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(
      log.getByRole("article").filter({ hasText: "hello under a strict policy" }),
    ).toBeVisible();
    await expect(
      other.getByRole("log", { name: "Messages" }).getByRole("article").filter({
        hasText: "hello under a strict policy",
      }),
    ).toBeVisible();

    // Client-side navigation runs more of the app's code under the same policy.
    await page
      .getByRole("link", { name: /scrollback/i })
      .first()
      .click();
    await expect(page.getByRole("textbox", { name: "Room name" })).toBeVisible();

    expect(await violationsIn(page)).toEqual([]);
    expect(fromConsole).toEqual([]);

    // What an XSS would try: markup with an inline handler. The browser refuses to run it.
    await page.evaluate(() => {
      const div = document.createElement("div");
      div.innerHTML = `<img src="data:," onerror="window.injected = true">`;
      document.body.append(div);
    });
    await expect
      .poll(() => violationsIn(page))
      .toContainEqual(expect.stringContaining("script-src"));
    expect(await page.evaluate(() => (window as { injected?: boolean }).injected)).toBeUndefined();
  } finally {
    await context.close();
    await other.context().close();
  }
});
