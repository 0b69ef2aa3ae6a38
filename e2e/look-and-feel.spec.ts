import type { Page } from "@playwright/test";
import { expectNoSevereViolations } from "./support/axe";
import { expect, test } from "./support/fixtures";

const PHONE = {
  viewport: { width: 360, height: 640 },
  deviceScaleFactor: 1,
  isMobile: true,
  hasTouch: true,
};

/** Messages that push at the edges of a narrow screen. */
const AWKWARD = [
  `A long word: ${"Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(3)}`,
  `A long link: https://example.org/${"very-long-path-segment-".repeat(8)}end`,
  "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉",
  "Three lines:\none\ntwo",
];

/** The width of a PNG in pixels, from its header. */
function pngWidth(png: Buffer): number {
  return png.readUInt32BE(16);
}

async function expectNoHorizontalOverflow(page: Page, name: string): Promise<void> {
  const screenshot = await page.screenshot({ fullPage: true });
  await test.info().attach(name, { body: screenshot, contentType: "image/png" });
  // A full-page screenshot is as wide as the page's content: wider than the screen means it overflows.
  expect(pngWidth(screenshot)).toBe(360);
  const widest = await page.evaluate(() => {
    const over: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>("body *")) {
      const rect = element.getBoundingClientRect();
      // Visually hidden text (a 1px clipped box for screen readers) takes no room.
      const hidden = rect.width <= 1 && rect.height <= 1;
      if (!hidden && (rect.right > window.innerWidth + 0.5 || rect.left < -0.5))
        over.push(`${element.tagName.toLowerCase()}.${element.className}`.slice(0, 80));
    }
    return over;
  });
  expect(widest).toEqual([]);
}

test("on a 360×640 phone nothing overflows sideways: the room, its panel and the landing page", async ({
  app,
  person,
}) => {
  const writer = await person("narrow");
  for (const text of AWKWARD) await writer.send(text);
  const phone = await person("narrow", { context: PHONE });
  await expect(phone.stored("Three lines")).toBeVisible();
  await phone.composer.fill("typing on a small screen");

  await expectNoHorizontalOverflow(phone.page, "room-360x640.png");

  await test.step("the rooms-and-people panel opens over the log and closes with Escape", async () => {
    await phone.roomsButton.click();
    await expect(phone.online).toBeVisible();
    await expectNoHorizontalOverflow(phone.page, "panel-360x640.png");
    await phone.page.keyboard.press("Escape");
    await expect(phone.online).toBeHidden();
    await expect(phone.roomsButton).toBeFocused();
  });

  await phone.page.goto(`${app.url}/`);
  await expect(phone.page.getByRole("link", { name: /#narrow/ })).toBeVisible();
  await expectNoHorizontalOverflow(phone.page, "landing-360x640.png");
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`no serious or critical accessibility violations in the ${colorScheme} theme`, async ({
    app,
    person,
  }) => {
    const ana = await person("a11y", { context: { colorScheme } });
    const bea = await person("a11y", { context: { colorScheme } });
    await expect(ana.online.getByRole("listitem")).toHaveCount(2);
    await expect(bea.online.getByRole("listitem")).toHaveCount(2);
    await ana.send("Hello, see https://example.org/docs for the details.");
    await bea.send("Thanks!");
    await bea.composer.pressSequentially("typing");
    await expect(ana.typingLine()).toBeVisible();

    const check = expectNoSevereViolations;
    await check(ana.page, "room");

    await ana.page.getByRole("button", { name: "Change name" }).click();
    await check(ana.page, "room with the name editor open");

    await ana.page.goto(`${app.url}/`);
    await expect(ana.page.getByRole("link", { name: /#a11y/ })).toBeVisible();
    await check(ana.page, "landing page");
  });
}

test("the room works from the keyboard alone, in a sensible order, with visible focus", async ({
  person,
}) => {
  const ana = await person("keys-only");
  const { page } = ana;
  // A new room says what to do rather than showing an empty pane.
  await expect(ana.log).toContainText("No messages in #keys-only yet");
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return "";
      const label =
        element.getAttribute("aria-label") ??
        element.textContent?.trim().replace(/\s+/g, " ") ??
        "";
      return `${element.tagName.toLowerCase()}:${label}`;
    });

  // Arriving in the room puts the cursor in the message box; Send comes next.
  await expect(ana.composer).toBeFocused();
  await page.keyboard.press("Tab");
  expect(await focused()).toBe("button:Send");

  // From the message box back up to the top of the page, everything in order.
  await ana.composer.focus();
  const order: string[] = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Shift+Tab");
    order.push(await focused());
  }
  expect(order).toEqual([
    "div:Messages",
    "a:#keys-only",
    "button:@ Mentions",
    "a:Sign up",
    "a:Sign in",
    "button:Change name",
    "input:Search messages",
    "button:Room menu",
    "a:Scrollback",
    "a:Skip to the message box",
  ]);

  await test.step("what has focus is visibly marked", async () => {
    for (const target of [ana.log, ana.composer, ana.sendButton]) {
      await target.focus();
      const marked = await target.evaluate((element) => {
        const style = getComputedStyle(element);
        return (
          (style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0) ||
          style.boxShadow !== "none"
        );
      });
      expect(marked).toBe(true);
    }
  });

  await test.step("the skip link goes straight to the message box", async () => {
    // Back from Send past the box, the log, the room, Mentions, Sign up, Sign in, Change name, Search, Room menu and Scrollback.
    for (let i = 0; i < 11; i++) await page.keyboard.press("Shift+Tab");
    await expect(page.getByRole("link", { name: "Skip to the message box" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(ana.composer).toBeFocused();
  });

  await test.step("a message is written and sent from the keyboard", async () => {
    await page.keyboard.type("sent without a mouse");
    await page.keyboard.press("Enter");
    await expect(ana.stored("sent without a mouse")).toBeVisible();
    await expect(ana.log).not.toContainText("No messages in");
  });

  await test.step("the name editor opens from the keyboard, and Escape closes it", async () => {
    await page.getByRole("button", { name: "Change name" }).focus();
    await page.keyboard.press("Enter");
    const nameBox = page.getByRole("textbox", { name: "Display name" });
    await expect(nameBox).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(nameBox).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Change name" })).toBeFocused();
  });
});
