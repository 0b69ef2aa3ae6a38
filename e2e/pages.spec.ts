import type { Page, Response } from "@playwright/test";
import { expect, test } from "./support/fixtures";

// The pages around the rooms (issue 11): the landing page's lists, what an
// unknown address answers, and the icons and manifest every page links to.

test("unknown addresses answer a plain 404 page with a way home; only a malformed room name gets the naming rules", async ({
  page,
  app,
}) => {
  for (const path of ["/nonexistent", "/chat/a/b", "/chat/general/settings"]) {
    const response = await page.goto(`${app.url}${path}`);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
    await expect(page.getByText("lowercase letters")).toHaveCount(0);
  }
  await page.getByRole("link", { name: "Go to the rooms" }).click();
  await expect(page).toHaveURL(`${app.url}/`);
  await expect(page.getByRole("textbox", { name: "Room name" })).toBeVisible();

  for (const path of ["/chat/not%20a%20room", "/chat/-dash-first", `/chat/${"x".repeat(65)}`]) {
    const response = await page.goto(`${app.url}${path}`);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("No such room");
    await expect(page.getByText("lowercase letters, digits, “-” and “_”")).toBeVisible();
    await expect(page).toHaveTitle("No such room · Scrollback");
    await expect(page.getByRole("link", { name: "Back to the rooms" })).toBeVisible();
  }
});

test("the landing page lists the rooms this browser opened apart from the server's active rooms", async ({
  page,
  app,
  person,
}) => {
  // Someone else's busy rooms, which this browser never opened.
  const someone = await person("their-room");
  await someone.send("hello from elsewhere");
  await expect(someone.stored("hello from elsewhere")).toBeVisible();
  await someone.goto("another-busy-room");
  await someone.send("and here");
  await expect(someone.stored("and here")).toBeVisible();

  const me = await person("my-room");
  await me.send("my own message");
  await expect(me.stored("my own message")).toBeVisible();
  // A room opened but where nobody has said anything: the server lists only rooms with messages.
  await me.goto("my-quiet-room");

  await me.page.goto(`${app.url}/`);
  const mine = me.page.getByRole("region", { name: "Your rooms" });
  const active = me.page.getByRole("region", { name: "Active rooms" });
  await expect(mine.getByRole("link")).toHaveText([/#my-room/, /#my-quiet-room/]);
  await expect(mine.getByRole("link", { name: /#my-room/ })).toContainText("1 message");
  await expect(active.getByRole("link")).toHaveText([/#another-busy-room/, /#their-room/]);

  // A browser that opened no room sees the active rooms only.
  await page.goto(`${app.url}/`);
  await expect(page.getByRole("region", { name: "Your rooms" })).toHaveCount(0);
  // Most recently active first.
  await expect(page.getByRole("region", { name: "Active rooms" }).getByRole("link")).toHaveText([
    /#my-room/,
    /#another-busy-room/,
    /#their-room/,
  ]);
});

/** Every response of the page that failed, apart from the page's own document when it is meant to. */
function watchFailures(page: Page): string[] {
  const failures: string[] = [];
  page.on("response", (response: Response) => {
    const own404 = response.request().isNavigationRequest() && response.status() === 404;
    if (response.status() >= 400 && !own404)
      failures.push(`${response.status()} ${response.url()}`);
  });
  return failures;
}

test("every page links a favicon, an icon and a web app manifest that load under its CSP, and requests nothing that is missing", async ({
  page,
  app,
  person,
}) => {
  const writer = await person("icons");
  await writer.send("a room with a message");
  const failures = watchFailures(page);
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content[ -]Security[ -]Policy/i.test(message.text())) violations.push(message.text());
  });

  // Browsers ask for /favicon.ico of a page without an icon link, and of every non-HTML page.
  const favicon = await page.request.get(`${app.url}/favicon.ico`);
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toBe("image/x-icon");

  for (const path of ["/", "/chat/icons", "/nonexistent", "/chat/not%20a%20room"]) {
    await page.goto(`${app.url}${path}`);
    await page.waitForLoadState("load");
    const icons = await page
      .locator('link[rel="icon"], link[rel="apple-touch-icon"]')
      .evaluateAll((links) => links.map((link) => (link as HTMLLinkElement).href));
    expect(icons.length, path).toBeGreaterThanOrEqual(2);
    // Loaded as the page's own images, so under its Content-Security-Policy.
    for (const href of icons) {
      const loaded = await page.evaluate(async (src) => {
        const image = new Image();
        image.src = src;
        await image.decode();
        return image.naturalWidth;
      }, href);
      expect(loaded, href).toBeGreaterThan(0);
    }
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute("href");
    expect(manifestHref, path).toBe("/manifest.webmanifest");
  }

  await test.step("the manifest names the app and its icons, and every icon is there", async () => {
    const response = await page.request.get(`${app.url}/manifest.webmanifest`);
    expect(response.status()).toBe(200);
    const manifest = (await response.json()) as {
      name: string;
      start_url: string;
      display: string;
      icons: { src: string; sizes: string; type: string }[];
    };
    expect(manifest).toMatchObject({ name: "Scrollback", start_url: "/", display: "standalone" });
    expect(manifest.icons.map((icon) => icon.sizes)).toEqual(
      expect.arrayContaining(["192x192", "512x512"]),
    );
    for (const icon of manifest.icons) {
      const image = await page.request.get(`${app.url}${icon.src}`);
      expect(image.status(), icon.src).toBe(200);
      expect(image.headers()["content-type"], icon.src).toBe(icon.type);
    }
  });

  expect(failures).toEqual([]);
  expect(violations).toEqual([]);
});
