import { join } from "node:path";
import type { Browser, Page } from "@playwright/test";
import { SqliteStore } from "../lib/server/store/sqlite-store";
import { expectNoSevereViolations } from "./support/axe";
import { ChatPage } from "./support/chat-page";
import { expect, test } from "./support/fixtures";
import { seedHistory } from "./support/seed";

// Search (issue 16), as a person uses it: the header's Search messages field
// (by `/` and by Ctrl+K), results with the match marked, the room and the
// author; choosing one opens the room at the message, deep in its history.

/** Messages written as history, by Bea (a seeded author), before anyone looks; in this order. */
async function seedMessages(dataDir: string, room: string, texts: string[]): Promise<void> {
  const store = new SqliteStore(join(dataDir, "scrollback.db"));
  try {
    for (const [i, text] of texts.entries())
      await store.messages.append({
        room,
        clientId: `seed-search-${Date.now()}-${i}`,
        author: { id: "seed-bea", name: "Bea" },
        text,
      });
  } finally {
    await store.close();
  }
}

function searchField(page: Page) {
  return page.getByRole("searchbox", { name: "Search messages" });
}
function resultsDialog(page: Page) {
  return page.getByRole("dialog", { name: "Search results" });
}

const DISTINCTIVE = "the purple giraffe sang at dawn";
/** The distinctive message's seq: after 300 others, with 300 more after it. */
const DEEP_SEQ = 301;

test("a message deep in history is found from the header and opens the room at it, marked, with its neighbours", async ({
  app,
  person,
}) => {
  test.slow();
  const ana = await person("deep-archive");
  await seedHistory(app.dataDir, "deep-archive", DEEP_SEQ - 1);
  await seedMessages(app.dataDir, "deep-archive", [DISTINCTIVE]);
  await seedHistory(app.dataDir, "deep-archive", 300);
  // Searching from another room: choosing the result navigates between rooms.
  await ana.goto("lobby");
  const field = searchField(ana.page);
  const dialog = resultsDialog(ana.page);

  await test.step("`/` (not while typing) focuses Search messages", async () => {
    await ana.composer.fill("");
    await ana.composer.press("/");
    // In the message box, `/` is a slash like any other.
    await expect(ana.composer).toHaveValue("/");
    await expect(field).not.toBeFocused();
    await ana.composer.fill("");
    await ana.log.focus();
    await ana.page.keyboard.press("/");
    await expect(field).toBeFocused();
    await expect(field).toHaveValue("");
  });

  await test.step("the result shows the room, the author and the match marked", async () => {
    await field.fill("giraffe");
    await field.press("Enter");
    await expect(dialog).toBeVisible();
    const results = dialog.getByRole("list", { name: "Results" }).getByRole("listitem");
    await expect(results).toHaveCount(1);
    const result = results.first();
    await expect(result).toContainText("#deep-archive");
    await expect(result).toContainText("Bea");
    await expect(result).toContainText(DISTINCTIVE);
    await expect(result.locator("mark")).toHaveText(["giraffe"]);
    await expect(dialog.getByText("1 message matches.")).toBeVisible();
  });

  await test.step("the results pass axe", async () => {
    await expectNoSevereViolations(ana.page, "search results");
  });

  await test.step("choosing it opens the room at the message, marked and focused, with the history around it", async () => {
    await dialog.getByRole("link", { name: /purple giraffe/ }).click();
    await expect(dialog).toHaveCount(0);
    const target = ana.log.locator(`article[data-seq="${DEEP_SEQ}"]`);
    await expect(target).toBeFocused({ timeout: 20_000 });
    await expect(target).toBeInViewport();
    await expect(target).toHaveClass(/bg-amber-100/);
    await expect(target).toContainText(DISTINCTIVE);
    await expect(ana.roomName).toHaveText("#deep-archive");
    // Older and newer neighbours are loaded; the newest page is not (the room opened in its history).
    await expect(ana.said(`m${DEEP_SEQ - 1}`)).toHaveCount(1);
    await expect(ana.said(`m${DEEP_SEQ + 1}`)).toHaveCount(1);
    await expect(ana.said(`m${DEEP_SEQ - 20}`)).toHaveCount(1);
    await expect(ana.said(`m${DEEP_SEQ + 20}`)).toHaveCount(1);
    await expect(ana.said("m600")).toHaveCount(0);
    // The address is the room's again: a reload opens it as usual.
    await expect(ana.page).toHaveURL(/\/chat\/deep-archive$/);
  });

  await test.step("Ctrl+K focuses the field even from the message box; no match says so; Escape goes back", async () => {
    await ana.composer.focus();
    await ana.page.keyboard.press("Control+k");
    await expect(field).toBeFocused();
    await field.fill("zebra");
    await field.press("Enter");
    await expect(dialog.getByText("No messages match.")).toBeVisible();
    await ana.page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(field).toBeFocused();
    await expect(field).toHaveValue("zebra");
  });

  await test.step("an empty query is not sent, and says why", async () => {
    await field.fill("   ");
    await field.press("Enter");
    await expect(ana.page.getByRole("alert").filter({ hasText: "Type a word" })).toBeVisible();
    await expect(dialog).toHaveCount(0);
  });
});

test("a link to a message opens the room at it on the page's first load", async ({
  app,
  person,
}) => {
  const ana = await person("deep-link");
  await seedHistory(app.dataDir, "deep-link", 200);
  await ana.page.goto("/chat/deep-link?at=40");
  const target = ana.log.locator('article[data-seq="40"]');
  await expect(target).toBeFocused({ timeout: 20_000 });
  await expect(target).toBeInViewport();
  await expect(target).toHaveClass(/bg-amber-100/);
  await expect(ana.said("m39")).toHaveCount(1);
  await expect(ana.said("m41")).toHaveCount(1);
  await expect(ana.said("m200")).toHaveCount(0);
  await expect(ana.page).toHaveURL(/\/chat\/deep-link$/);

  await test.step("a link to a message that is not there says so", async () => {
    await ana.page.goto("/chat/deep-link?at=9999");
    await expect(
      ana.page.getByRole("alert").filter({ hasText: "could not be found" }),
    ).toBeVisible();
  });
});

test("results come a page at a time, newest first; Load more brings the rest and focus goes to the first of them", async ({
  app,
  person,
}) => {
  const ana = await person("orchard");
  await seedMessages(
    app.dataDir,
    "orchard",
    Array.from({ length: 25 }, (_, i) => `kiwi number ${i + 1}`),
  );
  const field = searchField(ana.page);
  await field.fill("kiwi");
  await field.press("Enter");
  const dialog = resultsDialog(ana.page);
  const results = dialog.getByRole("list", { name: "Results" }).getByRole("listitem");
  await expect(results).toHaveCount(20);
  await expect(dialog.getByText("20+ messages match.")).toBeVisible();
  await expect(results.first()).toHaveText(/kiwi number 25$/);
  await dialog.getByRole("button", { name: "Load more" }).click();
  await expect(results).toHaveCount(25);
  await expect(dialog.getByText("25 messages match.")).toBeVisible();
  await expect(results.last()).toHaveText(/kiwi number 1$/);
  await expect(dialog.getByRole("button", { name: "Load more" })).toHaveCount(0);
  await expect(results.nth(20).getByRole("link")).toBeFocused();

  await test.step("a query the server refuses is said in words", async () => {
    await ana.page.keyboard.press("Escape");
    await field.fill("kiwi ".repeat(101));
    await field.press("Enter");
    await expect(dialog.getByRole("alert")).toHaveText(/longer than 500 characters\.$/);
    await expect(dialog.getByRole("listitem")).toHaveCount(0);
  });
});

/** A new person (a guest with their own cookie) on the landing page. */
async function arrive(browser: Browser, baseURL: string): Promise<ChatPage> {
  const context = await browser.newContext({ baseURL });
  const chat = new ChatPage(await context.newPage(), context);
  await chat.page.goto("/");
  return chat;
}

test("a private room's messages are found by its members only", async ({ browser, app }) => {
  const owner = await arrive(browser, app.url);
  const outsider = await arrive(browser, app.url);
  try {
    const form = owner.page.getByRole("region", { name: "Create room" });
    await form.getByRole("textbox", { name: "Name" }).fill("secret-plans");
    await form.getByRole("checkbox", { name: "Private" }).check();
    await form.getByRole("button", { name: "Create room" }).click();
    await expect(owner.page).toHaveURL(/\/chat\/secret-plans$/);
    await owner.expectConnected();
    await owner.send("the launch code is tangerine");
    await expect(owner.stored("the launch code is tangerine")).toBeVisible();

    await test.step("the outsider, searching from the landing page, finds nothing", async () => {
      const field = searchField(outsider.page);
      await field.fill("tangerine");
      await field.press("Enter");
      const dialog = resultsDialog(outsider.page);
      await expect(dialog.getByText("No messages match.")).toBeVisible();
      await expect(dialog).not.toContainText("launch code");
    });

    await test.step("the owner finds it, and can keep the search to this room", async () => {
      const field = searchField(owner.page);
      await field.fill("tangerine");
      await field.press("Enter");
      const dialog = resultsDialog(owner.page);
      await expect(dialog.getByRole("listitem")).toHaveCount(1);
      await expect(dialog.getByRole("listitem")).toContainText("#secret-plans");
      await dialog.getByRole("checkbox", { name: "This room only" }).check();
      await expect(dialog).toContainText("in #secret-plans");
      await expect(dialog.getByRole("listitem")).toHaveCount(1);
    });
  } finally {
    await owner.context.close();
    await outsider.context.close();
  }
});

test("on a phone in the dark theme, search is in the room panel and its results pass axe", async ({
  person,
}) => {
  const phone = await person("pocket", {
    context: {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      colorScheme: "dark",
    },
  });
  await phone.send("search works in my pocket");
  await expect(phone.stored("search works in my pocket")).toBeVisible();
  const field = searchField(phone.page);
  // A phone's header has no room for it (phone.spec.ts): it is in the room panel, as the account links are.
  await expect(field).toBeHidden();
  await phone.roomsButton.click();
  await field.fill("pocket");
  await field.press("Enter");
  const dialog = resultsDialog(phone.page);
  await expect(dialog.getByRole("listitem")).toHaveCount(1);
  await expect(dialog.locator("mark")).toHaveText(["pocket"]);
  const overflow = await phone.page.evaluate(
    () => document.documentElement.scrollWidth > window.innerWidth,
  );
  expect(overflow).toBe(false);
  await expectNoSevereViolations(phone.page, "phone search results, dark");
  // Escape closes the results, not the panel: back in the field, to change the query.
  const panel = phone.page.getByRole("complementary", { name: "Rooms and people" });
  await phone.page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(panel).toBeVisible();
  await expect(field).toBeFocused();
  await field.press("Enter");
  await dialog.getByRole("link", { name: /in my pocket/ }).click();
  // The panel closes to show the room at the message.
  await expect(panel).toBeHidden();
  await expect(phone.log.locator("article[data-seq]").first()).toBeFocused();
});

test("on a page without a room, the field folds into a button on a phone and still searches", async ({
  browser,
  app,
  person,
}) => {
  const writer = await person("open-plaza");
  await writer.send("a kite over the plaza");
  await expect(writer.stored("a kite over the plaza")).toBeVisible();
  const context = await browser.newContext({
    baseURL: app.url,
    viewport: { width: 360, height: 640 },
    isMobile: true,
    hasTouch: true,
  });
  try {
    const page = await context.newPage();
    // An invite link that does not work: a page with the site's header and no room.
    await page.goto("/invite/not-a-real-token");
    const field = searchField(page);
    await expect(field).toBeHidden();
    await page.getByRole("banner").getByRole("button", { name: "Search" }).click();
    await expect(field).toBeFocused();
    await field.fill("kite");
    await field.press("Enter");
    const dialog = resultsDialog(page);
    await expect(dialog.getByRole("listitem")).toContainText("#open-plaza");
    await dialog.getByRole("link", { name: /kite over the plaza/ }).click();
    await expect(page).toHaveURL(/\/chat\/open-plaza$/);
    await expect(
      page.getByRole("log", { name: "Messages" }).locator("article[data-seq]").first(),
    ).toBeFocused({
      timeout: 20_000,
    });
  } finally {
    await context.close();
  }
});
