import { ChatPage } from "./support/chat-page";
import { expect, test } from "./support/fixtures";

// A room on a 390 px wide phone (issue 11): a header that holds its line
// whatever the connection is doing, and a clearly named way to other rooms.

const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 1,
  isMobile: true,
  hasTouch: true,
};

/** The tallest a one-line header is: the Rooms button and the padding around it. */
const ONE_LINE_PX = 52;

/**
 * The header is one line, entirely on the screen, and shows the room's name
 * whole (or, for a name too long for any phone, a good part of it).
 */
async function expectHeaderOnOneLine(chat: ChatPage, state: string): Promise<void> {
  await test.info().attach(`header-${state}.png`, {
    body: await chat.header.screenshot(),
    contentType: "image/png",
  });
  const box = await chat.header.boundingBox();
  expect(box?.height, `${state}: header height`).toBeLessThanOrEqual(ONE_LINE_PX);
  const outside = await chat.header.evaluate((header) => {
    const off: string[] = [];
    for (const element of header.querySelectorAll<HTMLElement>("*")) {
      const rect = element.getBoundingClientRect();
      const hidden = rect.width <= 1 && rect.height <= 1;
      if (!hidden && (rect.right > window.innerWidth + 0.5 || rect.left < -0.5))
        off.push(element.tagName.toLowerCase());
    }
    return off;
  });
  expect(outside, `${state}: off the screen`).toEqual([]);
  const name = await chat.roomName.evaluate((h1) => ({
    cut: h1.scrollWidth > h1.clientWidth,
    width: h1.clientWidth,
  }));
  expect(name.cut, `${state}: the room name is cut`).toBe(false);
}

test("on a phone the header holds one line while connecting, connected, reconnecting with messages waiting, and offline", async ({
  browser,
  app,
  link,
  person,
}) => {
  const room = "design-team";

  await test.step("connecting", async () => {
    const context = await browser.newContext({ ...PHONE, baseURL: app.url });
    const page = await context.newPage();
    // The server cannot be reached yet: the page stays "Connecting…".
    await page.route("**/socket.io/**", (route) => route.abort());
    await page.goto(`/chat/${room}`);
    const chat = new ChatPage(page, context);
    await expect(chat.status).toHaveText("Connecting…");
    await expectHeaderOnOneLine(chat, "connecting");
    await context.close();
  });

  const phone = await person(room, { through: link, context: PHONE });

  await test.step("connected", async () => {
    await expectHeaderOnOneLine(phone, "connected");
  });

  await test.step("reconnecting, with a dozen messages waiting", async () => {
    link.cut();
    await phone.expectReconnecting();
    for (let i = 1; i <= 12; i++) await phone.send(`waiting ${i}`);
    await phone.expectReconnecting(12);
    await expectHeaderOnOneLine(phone, "reconnecting");
  });

  await test.step("offline, with them still waiting", async () => {
    await phone.context.setOffline(true);
    await phone.expectOffline(12);
    await expectHeaderOnOneLine(phone, "offline");
  });

  await test.step("back: they are sent, and the header is as before", async () => {
    await phone.context.setOffline(false);
    link.restore();
    await phone.expectConnected({ timeout: 30_000 });
    await expect(phone.stored("waiting 12")).toHaveCount(1, { timeout: 30_000 });
    await expectHeaderOnOneLine(phone, "connected-again");
  });
});

test("on a phone a room name too long for the screen is cut, but keeps most of the header", async ({
  link,
  person,
}) => {
  const room = `a-very-long-room-name-${"x".repeat(42)}`;
  const phone = await person(room, { through: link, context: PHONE });
  link.cut();
  await phone.expectReconnecting();
  await phone.send("waiting");
  await phone.expectReconnecting(1);
  await test.info().attach("header-long-name.png", {
    body: await phone.header.screenshot(),
    contentType: "image/png",
  });
  const { width, cut } = await phone.roomName.evaluate((h1) => ({
    width: h1.clientWidth,
    cut: h1.scrollWidth > h1.clientWidth,
  }));
  expect(cut).toBe(true);
  // Room for a dozen characters: the start of the name is recognisable.
  expect(width).toBeGreaterThanOrEqual(110);
  expect((await phone.header.boundingBox())?.height).toBeLessThanOrEqual(ONE_LINE_PX);
});

test("on a phone the button named Rooms opens the list of rooms, and a room is one tap away", async ({
  person,
}) => {
  const elsewhere = await person("elsewhere");
  await elsewhere.send("over here");
  const phone = await person("here", { context: PHONE });

  await expect(phone.switcher).toBeHidden();
  await phone.roomsButton.click();
  await expect(phone.roomsButton).toHaveAttribute("aria-expanded", "true");
  await expect(phone.switcher).toBeVisible();
  await expect(phone.online).toBeVisible();

  await test.step("Escape closes it, and the button has focus again", async () => {
    await phone.page.keyboard.press("Escape");
    await expect(phone.switcher).toBeHidden();
    await expect(phone.roomsButton).toBeFocused();
  });

  await test.step("another room, from the list", async () => {
    await phone.roomsButton.click();
    await expect(phone.switcher.getByRole("link", { name: /#elsewhere/ })).toBeVisible({
      timeout: 30_000,
    });
    await phone.switcher.getByRole("link", { name: /#elsewhere/ }).click();
    await expect(phone.roomName).toHaveText("#elsewhere");
    await phone.expectConnected();
    await expect(phone.stored("over here")).toBeVisible();
    await expect(phone.switcher).toBeHidden();
  });
});
