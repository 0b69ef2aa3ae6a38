import type { Locator } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { seedHistory } from "./support/seed";

/** Where an element is relative to the viewport, read in the page. */
function topOf(locator: Locator): Promise<number> {
  return locator.evaluate((element) => element.getBoundingClientRect().top);
}

test("scrolling to the top loads older messages without moving the message under the reader's eye", async ({
  app,
  person,
}) => {
  await seedHistory(app.dataDir, "archive", 300);
  const reader = await person("archive");
  await expect(reader.stored("m300")).toBeVisible();
  // The room opens at its newest page.
  await expect(reader.stored("m200")).toHaveCount(0);

  for (const [oldestShown, older] of [
    ["m251", "m201"],
    ["m201", "m151"],
  ] as const) {
    await test.step(`at the top, ${oldestShown} stays put while ${older}… load above it`, async () => {
      const eye = reader.stored(oldestShown);
      // Scroll and measure in one go, before any answer can arrive.
      const before = await reader.log.evaluate((log, text) => {
        log.scrollTop = 0;
        const article = [...log.querySelectorAll("article")].find(
          (a) => a.querySelector("p")?.textContent === text,
        );
        return article?.getBoundingClientRect().top ?? Number.NaN;
      }, oldestShown);
      await expect(reader.stored(older)).toHaveCount(1);
      expect(Math.abs((await topOf(eye)) - before)).toBeLessThanOrEqual(1);
    });
  }
});

test("new messages are followed at the bottom; further up, a New messages button appears and jumps down", async ({
  app,
  person,
}) => {
  await seedHistory(app.dataDir, "busy", 120);
  const reader = await person("busy");
  const writer = await person("busy");
  await expect(reader.stored("m120")).toBeInViewport();

  await test.step("at the bottom, a new message scrolls into view", async () => {
    await writer.send("first news");
    await expect(reader.stored("first news")).toBeInViewport();
    await expect(reader.newMessages).toHaveCount(0);
  });

  await test.step("further up, the view stays where the reader is and the button appears", async () => {
    await reader.scrollLogBy(-600);
    const eye = reader.stored("m110");
    await expect(eye).toBeInViewport();
    const before = await topOf(eye);
    await writer.send("second news");
    await expect(reader.newMessages).toBeVisible();
    await expect(reader.stored("second news")).not.toBeInViewport();
    expect(await topOf(eye)).toBeCloseTo(before, 0);
  });

  await test.step("the button jumps to the newest message and goes away", async () => {
    await reader.newMessages.click();
    await expect(reader.stored("second news")).toBeInViewport();
    await expect(reader.newMessages).toHaveCount(0);
    // Back at the bottom, the view follows again.
    await writer.send("third news");
    await expect(reader.stored("third news")).toBeInViewport();
  });
});

/** The most messages the page holds at once (DEFAULT_WINDOW.size), plus a few unsent ones. */
const PAGE_CAP = 300;

test("a tab that missed 10,000 messages keeps a bounded number in the page, scrolls back through them and stays usable", async ({
  app,
  link,
  person,
}) => {
  test.slow();
  const reader = await person("huge", { through: link });
  await reader.send("before the flood");
  await expect(reader.stored("before the flood")).toBeVisible();

  await test.step("10,000 messages arrive by catching up after a dropped link", async () => {
    link.cut();
    await reader.expectReconnecting();
    await seedHistory(app.dataDir, "huge", 10_000);
    const started = Date.now();
    link.restore();
    await expect(reader.stored("m10001")).toBeInViewport({ timeout: 60_000 });
    test.info().annotations.push({
      type: "catch-up of 10,000 messages",
      description: `${Date.now() - started} ms until the newest was in view`,
    });
    expect(await reader.messages().count()).toBeLessThanOrEqual(PAGE_CAP);
  });

  await test.step("scrolling up brings earlier ones in and lets later ones go", async () => {
    // Away for more changes than replaying is worth (MAX_REPLAYED_CHANGES), the tab kept
    // the newest page rather than all 10,000: older ones come a page at a time, as far up
    // as the reader scrolls.
    for (let i = 0; i < 40 && (await reader.stored("m9200").count()) === 0; i++) {
      await reader.log.evaluate((log) => {
        log.scrollTop = 0;
      });
      await expect(reader.log).not.toHaveAttribute("aria-busy", "true");
      expect(await reader.messages().count()).toBeLessThanOrEqual(PAGE_CAP);
    }
    await expect(reader.stored("m9200")).toHaveCount(1, { timeout: 20_000 });
    await expect(reader.stored("m10001")).toHaveCount(0);
  });

  await test.step("sending jumps back to the newest, with the page still bounded", async () => {
    await reader.send("still typing fine");
    await expect(reader.stored("still typing fine")).toBeInViewport();
    await expect(reader.stored("m10001")).toHaveCount(1);
    expect(await reader.messages().count()).toBeLessThanOrEqual(PAGE_CAP + 1);
  });
});
