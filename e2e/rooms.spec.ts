import type { Browser } from "@playwright/test";
import { expectNoSevereViolations } from "./support/axe";
import { ChatPage } from "./support/chat-page";
import { expect, test } from "./support/fixtures";

// Rooms that belong to people (issue 15): a private room made from the
// landing page, joined by an invite link, hidden from everyone else; a
// moderator's delete; a removal seen in the removed person's open tab; and
// direct messages listed by the other person's name.

/** A new person (a guest with their own cookie) on the landing page. */
async function arrive(browser: Browser, baseURL: string): Promise<ChatPage> {
  const context = await browser.newContext({ baseURL });
  const chat = new ChatPage(await context.newPage(), context);
  await chat.page.goto("/");
  return chat;
}

async function createRoom(
  chat: ChatPage,
  room: { name: string; topic?: string; private?: boolean },
): Promise<void> {
  const form = chat.page.getByRole("region", { name: "Create room" });
  await form.getByRole("textbox", { name: "Name" }).fill(room.name);
  if (room.topic) await form.getByRole("textbox", { name: "Topic" }).fill(room.topic);
  if (room.private) await form.getByRole("checkbox", { name: "Private" }).check();
  await form.getByRole("button", { name: "Create room" }).click();
  await expect(chat.page).toHaveURL(new RegExp(`/chat/${room.name}$`));
  await chat.expectConnected();
}

async function openTool(chat: ChatPage, item: string): Promise<void> {
  await chat.header.getByRole("button", { name: "Room menu" }).click();
  await chat.page.getByRole("menuitem", { name: item }).click();
}

test("a private room: joined by invite link, invisible to others, moderated, and a removal seen in the open tab", async ({
  browser,
  app,
}) => {
  const owner = await arrive(browser, app.url);
  const guest = await arrive(browser, app.url);
  const outsider = await arrive(browser, app.url);
  try {
    let link = "";
    await test.step("the owner makes a private room with a topic from the landing page", async () => {
      await createRoom(owner, { name: "secret-lab", topic: "Plans for the lab", private: true });
      await expect(owner.roomName).toContainText("#secret-lab");
      await expect(owner.header).toContainText("Plans for the lab");
      await owner.send("welcome to the lab");
      await expect(owner.stored("welcome to the lab")).toBeVisible();
    });

    await test.step("a second name is refused in words", async () => {
      await outsider.page.goto("/");
      await createRoom(outsider, { name: "open-square" });
      await outsider.page.goto("/");
      const form = outsider.page.getByRole("region", { name: "Create room" });
      await form.getByRole("textbox", { name: "Name" }).fill("secret-lab");
      await form.getByRole("button", { name: "Create room" }).click();
      await expect(form.getByRole("alert")).toHaveText("A room with that name already exists.");
    });

    await test.step("the owner makes an invite link", async () => {
      await openTool(owner, "Invite people");
      const dialog = owner.page.getByRole("dialog", { name: "Invite people" });
      await dialog.getByLabel("Maximum uses").selectOption({ label: "5 uses" });
      await dialog.getByRole("button", { name: "Create link" }).click();
      const box = dialog.getByRole("textbox", { name: "Invite link" });
      await expect(box).toHaveValue(new RegExp(`^${app.url}/invite/[A-Za-z0-9_-]{43}$`));
      link = await box.inputValue();
      await expect(dialog.getByRole("list", { name: "Invite links" })).toContainText("0 of 5 uses");
      await expectNoSevereViolations(owner.page, "invite dialog");
      await dialog.getByRole("button", { name: "Close" }).click();
      await expect(dialog).toHaveCount(0);
    });

    await test.step("the invited person joins by the link and they talk", async () => {
      await guest.page.goto(link);
      await expect(guest.page.getByRole("heading", { name: "Join #secret-lab" })).toBeVisible();
      await expectNoSevereViolations(guest.page, "invite page");
      await guest.page.getByRole("button", { name: "Join room" }).click();
      await expect(guest.page).toHaveURL(/\/chat\/secret-lab$/);
      await guest.expectConnected();
      await expect(guest.stored("welcome to the lab")).toBeVisible();
      await guest.send("hello from the guest");
      await expect(owner.stored("hello from the guest")).toBeVisible();
      // The list shows the room to its members, marked private.
      await expect(guest.switcher.getByRole("link", { name: /#secret-lab/ })).toContainText(
        "Private",
      );
    });

    await test.step("someone else neither sees the room listed nor reads it", async () => {
      await outsider.page.goto("/");
      await expect(outsider.page.getByRole("link", { name: /#open-square/ })).toBeVisible();
      await expect(outsider.page.getByRole("main")).not.toContainText("secret-lab");
      await outsider.page.goto("/chat/secret-lab");
      await expect(
        outsider.page.getByRole("heading", { name: "You are not a member of this room" }),
      ).toBeVisible();
      const body = outsider.page.locator("body");
      await expect(body).not.toContainText("welcome to the lab");
      await expect(body).not.toContainText("hello from the guest");
      await expect(body).not.toContainText("Plans for the lab");
      await expect(outsider.composer).toHaveCount(0);
      await expectNoSevereViolations(outsider.page, "not-a-member page");
    });

    await test.step("the owner removes the guest's message and both see why it is gone", async () => {
      await owner.act("hello from the guest", "Delete");
      const dialog = owner.page.getByRole("dialog", { name: "Delete message?" });
      await dialog.getByRole("button", { name: "Delete", exact: true }).click();
      for (const chat of [owner, guest]) {
        await expect(chat.said("This message was removed by a moderator")).toBeVisible();
        await expect(chat.log).not.toContainText("hello from the guest");
      }
      // The guest may not remove the owner's message.
      const message = guest.said("welcome to the lab");
      await message.hover();
      await expect(message.getByRole("button", { name: "Delete", exact: true })).toHaveCount(0);
    });

    await test.step("the owner kicks the guest, whose open tab keeps nothing of the room", async () => {
      const guestName = await guest.name();
      await openTool(owner, "Members");
      const dialog = owner.page.getByRole("dialog", { name: "Members" });
      const row = dialog.getByRole("listitem").filter({ hasText: guestName });
      await expect(row).toContainText("Member");
      await expectNoSevereViolations(owner.page, "members dialog");
      await row.getByRole("button", { name: `Kick ${guestName}` }).click();
      await expect(row).toHaveCount(0);

      await expect(
        guest.page.getByRole("heading", { name: "You were removed from this room" }),
      ).toBeVisible();
      await expect(guest.page.locator("body")).not.toContainText("welcome to the lab");
      await expect(guest.composer).toHaveCount(0);
      // A private room is not joined again from here: only a new invitation lets them back.
      await expect(guest.page.getByRole("button", { name: "Join again" })).toHaveCount(0);
      await guest.page.reload();
      await expect(
        guest.page.getByRole("heading", { name: "You are not a member of this room" }),
      ).toBeVisible();
    });
  } finally {
    await Promise.all([owner.close(), guest.close(), outsider.close()]);
  }
});

test("a direct conversation opened from Online is listed in both sidebars by the other's name", async ({
  person,
}) => {
  const ada = await person("corridor");
  const bob = await person("corridor");
  const adaName = await ada.name();
  const bobName = await bob.name();
  await expect(ada.online.getByRole("listitem")).toHaveCount(2);

  await ada.online.getByRole("button", { name: `Message ${bobName}` }).click();
  await expect(ada.page).toHaveURL(/\/chat\/dm-[a-z0-9]{20}$/);
  await ada.expectConnected();
  await expect(ada.roomName).toHaveText(bobName);
  await expect(ada.page).toHaveTitle(`${bobName} · Scrollback`);
  await ada.send("a word in private");
  await expect(ada.stored("a word in private")).toBeVisible();

  const adaDirect = ada.page.getByRole("navigation", { name: "Direct messages" });
  await expect(adaDirect.getByRole("link", { name: bobName })).toBeVisible();

  // Bob, still in the public room, finds it in his sidebar without reloading.
  const bobDirect = bob.page.getByRole("navigation", { name: "Direct messages" });
  await expect(bobDirect.getByRole("link", { name: adaName })).toBeVisible();
  await bobDirect.getByRole("link", { name: adaName }).click();
  await bob.expectConnected();
  await expect(bob.roomName).toHaveText(adaName);
  await expect(bob.stored("a word in private")).toBeVisible();

  // The same pair finds the same conversation again, from a message's author this time.
  await bob.goto("corridor");
  await ada.goto("corridor");
  await ada.send("back in the corridor");
  const said = bob.said("back in the corridor");
  await said.getByRole("button", { name: adaName }).click();
  await bob.page.getByRole("menuitem", { name: "Message" }).click();
  await expect(bob.roomName).toHaveText(adaName);
  await expect(bob.stored("a word in private")).toBeVisible();
});

test("someone kicked from a public room may join again; the owner's tools are the owner's", async ({
  browser,
  app,
}) => {
  const owner = await arrive(browser, app.url);
  const visitor = await arrive(browser, app.url);
  try {
    await createRoom(owner, { name: "town-hall", topic: "Everyone welcome" });
    await visitor.goto("town-hall");
    await owner.send("the meeting starts");
    await expect(visitor.stored("the meeting starts")).toBeVisible();

    // A member of a public room has Notifications, Members and Leave room, nothing of the owner's.
    await visitor.header.getByRole("button", { name: "Room menu" }).click();
    const menu = visitor.page.getByRole("menu", { name: "Room menu" });
    await expect(menu.getByRole("menuitem")).toHaveText(["Notifications", "Members", "Leave room"]);
    await visitor.page.keyboard.press("Escape");
    await expect(menu).toHaveCount(0);

    await owner.header.getByRole("button", { name: "Room menu" }).click();
    await expect(
      owner.page.getByRole("menu", { name: "Room menu" }).getByRole("menuitem"),
    ).toHaveText([
      "Notifications",
      "Invite people",
      "Members",
      "Room settings",
      "Audit log",
      "Leave room",
    ]);
    await owner.page.keyboard.press("Escape");

    const visitorName = await visitor.name();
    await openTool(owner, "Members");
    const members = owner.page.getByRole("dialog", { name: "Members" });
    const row = members.getByRole("listitem").filter({ hasText: visitorName });

    await test.step("a muted person is told until when, and a message sent anyway says why it was not", async () => {
      await row.getByLabel(`Mute ${visitorName} for`).selectOption({ label: "10 minutes" });
      await row.getByRole("button", { name: `Mute ${visitorName}`, exact: true }).click();
      await expect(row).toContainText("Muted until");
      const notice = visitor.page.getByText(/^You are muted in this room until .+: what you write/);
      await expect(notice).toBeVisible();
      await visitor.send("may I speak?");
      await expect(visitor.failed("may I speak?")).toContainText(
        /You are muted in this room until .+ UTC\./,
      );
      await row.getByRole("button", { name: `Unmute ${visitorName}` }).click();
      await expect(notice).toHaveCount(0);
    });

    await row.getByRole("button", { name: `Kick ${visitorName}` }).click();
    await expect(
      visitor.page.getByRole("heading", { name: "You were removed from this room" }),
    ).toBeVisible();
    await visitor.page.getByRole("button", { name: "Join again" }).click();
    await visitor.expectConnected();
    await expect(visitor.stored("the meeting starts")).toBeVisible();
    await members.getByRole("button", { name: "Close" }).click();

    await test.step("the audit log says who was kicked", async () => {
      await openTool(owner, "Audit log");
      const log = owner.page.getByRole("dialog", { name: "Audit log" });
      await expect(log).toContainText(`kicked ${visitorName}`);
      await log.getByRole("button", { name: "Close" }).click();
    });

    await test.step("turning the room private warns that its history becomes members' only… and back", async () => {
      await openTool(owner, "Room settings");
      const settings = owner.page.getByRole("dialog", { name: "Room settings" });
      await expectNoSevereViolations(owner.page, "room settings");
      await settings.getByRole("checkbox", { name: "Private" }).check();
      await settings.getByRole("button", { name: "Save settings" }).click();
      await expect(settings).toContainText("Settings saved.");
      await settings.getByRole("checkbox", { name: "Private" }).uncheck();
      await expect(settings).toContainText("Everyone will be able to read the whole history");
    });

    await test.step("the owner deletes the room; the other tab says so", async () => {
      const settings = owner.page.getByRole("dialog", { name: "Room settings" });
      await settings.getByRole("button", { name: "Delete room" }).click();
      const confirm = owner.page.getByRole("dialog", { name: "Delete #town-hall?" });
      await confirm.getByRole("button", { name: "Delete room" }).click();
      await expect(owner.page).toHaveURL(`${app.url}/`);
      await expect(
        visitor.page.getByRole("heading", { name: "This room was deleted" }),
      ).toBeVisible();
      await expect(visitor.page.locator("body")).not.toContainText("the meeting starts");
    });
  } finally {
    await Promise.all([owner.close(), visitor.close()]);
  }
});

test("on a phone the Room menu is in the room panel", async ({ person }) => {
  const phone = await person("pocket", {
    context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  });
  // The first message makes the room, its author the owner.
  await phone.send("pocket notes");
  await expect(phone.stored("pocket notes")).toBeVisible();
  await expect(phone.header.getByRole("button", { name: "Room menu" })).toBeHidden();
  await phone.roomsButton.click();
  await phone.page.getByRole("button", { name: "Room menu" }).click();
  await phone.page.getByRole("menuitem", { name: "Members" }).click();
  const members = phone.page.getByRole("dialog", { name: "Members" });
  await expect(members.getByRole("listitem")).toHaveCount(1);
  await members.getByRole("button", { name: "Close" }).click();
  await expect(phone.page.getByRole("button", { name: "Room menu" })).toBeFocused();
});
