import type { Browser } from "@playwright/test";
import { ChatPage } from "./support/chat-page";
import { expect, test } from "./support/fixtures";

async function arrive(
  browser: Browser,
  baseURL: string,
  colorScheme: "light" | "dark",
  viewport = { width: 1280, height: 720 },
) {
  const context = await browser.newContext({ baseURL, colorScheme, viewport });
  const chat = new ChatPage(await context.newPage(), context);
  await chat.page.goto("/");
  return chat;
}

for (const scheme of ["light", "dark"] as const) {
  test(`shots ${scheme}`, async ({ browser, app }) => {
    const owner = await arrive(browser, app.url, scheme);
    const other = await arrive(browser, app.url, scheme);
    const form = owner.page.getByRole("region", { name: "Create room" });
    await form.getByRole("textbox", { name: "Name" }).fill("secret-lab");
    await form
      .getByRole("textbox", { name: "Topic" })
      .fill("Plans for the lab, and a rather long topic to see how it fits");
    await form.getByRole("checkbox", { name: "Private" }).check();
    await owner.page.screenshot({ path: `/tmp/shots/${scheme}-landing-form.png`, fullPage: true });
    await form.getByRole("button", { name: "Create room" }).click();
    await owner.expectConnected();
    await owner.send("welcome to the lab");
    await other.page.goto("/chat/secret-lab");
    await other.page.screenshot({ path: `/tmp/shots/${scheme}-not-member.png` });
    await owner.header.getByRole("button", { name: "Room menu" }).click();
    await owner.page.screenshot({ path: `/tmp/shots/${scheme}-menu.png` });
    await owner.page.getByRole("menuitem", { name: "Invite people" }).click();
    const dialog = owner.page.getByRole("dialog", { name: "Invite people" });
    await dialog.getByRole("button", { name: "Create link" }).click();
    const link = await dialog.getByRole("textbox", { name: "Invite link" }).inputValue();
    await owner.page.screenshot({ path: `/tmp/shots/${scheme}-invite.png` });
    await dialog.getByRole("button", { name: "Close" }).click();
    await other.page.goto(link);
    await other.page.screenshot({ path: `/tmp/shots/${scheme}-invite-page.png` });
    await other.page.getByRole("button", { name: "Join room" }).click();
    await other.expectConnected();
    await other.send("hello there");
    await owner.act("hello there", "Delete");
    await owner.page
      .getByRole("dialog", { name: "Delete message?" })
      .getByRole("button", { name: "Delete", exact: true })
      .click();
    await expect(owner.said("removed by a moderator")).toBeVisible();
    await owner.page.screenshot({ path: `/tmp/shots/${scheme}-room.png` });
    await owner.header.getByRole("button", { name: "Room menu" }).click();
    await owner.page.getByRole("menuitem", { name: "Members" }).click();
    await owner.page.screenshot({ path: `/tmp/shots/${scheme}-members.png` });
    await owner.page
      .getByRole("dialog", { name: "Members" })
      .getByRole("button", { name: "Close" })
      .click();
    await owner.header.getByRole("button", { name: "Room menu" }).click();
    await owner.page.getByRole("menuitem", { name: "Room settings" }).click();
    await owner.page
      .getByRole("dialog", { name: "Room settings" })
      .getByRole("checkbox", { name: "Private" })
      .uncheck();
    await owner.page.screenshot({ path: `/tmp/shots/${scheme}-settings.png` });
    await owner.page
      .getByRole("dialog", { name: "Room settings" })
      .getByRole("button", { name: "Close" })
      .click();
    const otherName = await other.name();
    await owner.online.getByRole("button", { name: `Message ${otherName}` }).click();
    await owner.expectConnected();
    await owner.send("psst");
    await owner.page.screenshot({ path: `/tmp/shots/${scheme}-dm.png` });
    await owner.page.goto("/");
    await owner.page.screenshot({ path: `/tmp/shots/${scheme}-landing.png`, fullPage: true });
    const phone = await arrive(browser, app.url, scheme, { width: 390, height: 844 });
    await phone.goto("a-fairly-long-room-name-here");
    await phone.page.screenshot({ path: `/tmp/shots/${scheme}-phone.png` });
    await other.page.bringToFront();
  });
}
