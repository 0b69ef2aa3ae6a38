import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./support/fixtures";
import { seedHistory, seedReply } from "./support/seed";

/** Catching up after a reconnect waits for the client's reconnection backoff. */
const RECOVERY = { timeout: 20_000 };

test("edits, deletes, reactions and replies are seen live by everyone", async ({ person }) => {
  const room = "changes-live";
  const ann = await person(room);
  const bob = await person(room);
  const annName = await ann.name();
  const bobName = await bob.name();

  await test.step("an edit: the new text and (edited), with its time on hover", async () => {
    await ann.send("hello wrold");
    await expect(bob.said("hello wrold")).toBeVisible();
    await ann.edit("hello wrold", "hello world");
    for (const chat of [ann, bob]) {
      await expect(chat.said("hello world")).toBeVisible();
      await expect(chat.said("hello wrold")).toHaveCount(0);
      await expect(chat.said("hello world").getByText("(edited)")).toHaveAttribute(
        "title",
        /^Edited /,
      );
    }
    // Only the author is offered Edit and Delete.
    await bob.said("hello world").hover();
    await expect(bob.said("hello world").getByRole("button", { name: "Reply" })).toBeVisible();
    await expect(bob.said("hello world").getByRole("button", { name: "Edit" })).toHaveCount(0);
    await expect(bob.said("hello world").getByRole("button", { name: "Delete" })).toHaveCount(0);
  });

  await test.step("reactions: the emoji and its count, pressed when yours; a click toggles", async () => {
    await bob.react("hello world", "👍");
    await expect(bob.reaction("hello world", "👍")).toHaveText("👍 1");
    await expect(bob.reaction("hello world", "👍")).toHaveAttribute("aria-pressed", "true");
    await expect(ann.reaction("hello world", "👍")).toHaveText("👍 1");
    await expect(ann.reaction("hello world", "👍")).toHaveAttribute("aria-pressed", "false");

    await ann.reaction("hello world", "👍").click();
    for (const chat of [ann, bob])
      await expect(chat.reaction("hello world", "👍")).toHaveText("👍 2");
    await expect(ann.reaction("hello world", "👍")).toHaveAttribute("aria-pressed", "true");

    await ann.reaction("hello world", "👍").hover();
    await expect(ann.page.getByRole("tooltip")).toHaveText(`You and ${bobName} reacted with 👍`);

    await bob.reaction("hello world", "👍").click();
    for (const chat of [ann, bob])
      await expect(chat.reaction("hello world", "👍")).toHaveText("👍 1");
    await expect(bob.reaction("hello world", "👍")).toHaveAttribute("aria-pressed", "false");
  });

  await test.step("a reply: the box says to whom; the reply quotes the message, and the quote jumps to it", async () => {
    await bob.act("hello world", "Reply");
    const banner = bob.page.locator("form").getByText(`Replying to ${annName}`);
    await expect(banner).toBeVisible();
    await expect(bob.page.getByRole("button", { name: "Cancel reply" })).toBeVisible();
    await bob.send("agreed");
    await expect(banner).toHaveCount(0);
    for (const chat of [ann, bob]) {
      const quote = chat.said("agreed").getByRole("button", { name: /^Replying to / });
      await expect(quote).toHaveAccessibleName(`Replying to ${annName} hello world`);
    }
    await ann
      .said("agreed")
      .getByRole("button", { name: /^Replying to / })
      .click();
    await expect(ann.said("hello world")).toBeFocused();
  });

  await test.step("a delete asks first, then leaves the message's place: deleted for everyone, in the quote too", async () => {
    await ann.act("hello world", "Delete");
    const dialog = ann.page.getByRole("dialog", { name: "Delete message?" });
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    for (const chat of [ann, bob]) {
      await expect(chat.said("This message was deleted")).toHaveCount(1);
      await expect(chat.log).not.toContainText("hello world");
      await expect(
        chat.said("agreed").getByRole("button", { name: /^Replying to / }),
      ).toContainText("This message was deleted");
      // The conversation keeps its shape: the tombstone, then the reply.
      expect(await chat.texts()).toEqual(["This message was deleted", "agreed"]);
    }
    const stored = await ann.page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain("hello world");
  });
});

test("a tab whose link drops during others' edits and deletes shows them after it reconnects, without a reload", async ({
  link,
  person,
}) => {
  const room = "changes-offline";
  const ann = await person(room);
  const bob = await person(room, { through: link });
  await ann.send("keep me");
  await ann.send("fix me");
  await ann.send("drop me");
  await expect(bob.said("drop me")).toBeVisible();
  // Survives only as long as this document does: a reload would lose it.
  await bob.page.evaluate(() => {
    (window as unknown as { sameDocument: boolean }).sameDocument = true;
  });

  link.cut();
  await bob.expectReconnecting();
  await ann.edit("fix me", "fixed");
  await ann.remove("drop me");
  await ann.react("keep me", "🎉");
  await expect(ann.said("fixed")).toBeVisible();

  link.restore();
  await bob.expectConnected(RECOVERY);
  await expect(bob.said("fixed")).toBeVisible(RECOVERY);
  await expect(bob.said("fixed").getByText("(edited)")).toBeVisible();
  await expect(bob.said("This message was deleted")).toHaveCount(1);
  await expect(bob.reaction("keep me", "🎉")).toHaveText("🎉 1");
  expect(await bob.texts()).toEqual(["keep me", "fixed", "This message was deleted"]);
  expect(
    await bob.page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
  ).toBe(true);
});

test("an edit made while the link is down is shown pending, survives a reload, and lands once", async ({
  link,
  person,
}) => {
  const room = "changes-reload";
  const ann = await person(room, { through: link });
  const bob = await person(room);
  await ann.send("version one");
  await expect(bob.said("version one")).toBeVisible();

  await test.step("edited while the link is down: shown at once, marked pending", async () => {
    link.cut();
    await ann.expectReconnecting();
    await ann.edit("version one", "version two");
    await expect(ann.said("version two")).toBeVisible();
    await expect(ann.said("version two").getByText("Pending")).toBeVisible();
    await expect(bob.said("version one")).toBeVisible();
    // The reload fails (the link is down): the page that held the edit is gone.
    await ann.page.reload().catch(() => null);
    await expect(ann.log).toHaveCount(0);
  });

  await test.step("the link returns and the room is opened again: the edit lands, once", async () => {
    link.restore();
    await ann.goto(room);
    for (const chat of [ann, bob]) {
      await expect(chat.said("version two")).toHaveCount(1, RECOVERY);
      await expect(chat.said("version two").getByText("(edited)")).toHaveCount(1);
      await expect(chat.said("version two").getByText("Pending")).toHaveCount(0);
      expect(await chat.texts()).toEqual(["version two"]);
    }
  });
});

test("the keyboard path: Up edits the last message, Escape cancels, Enter saves; Delete's dialog gives focus back", async ({
  person,
}) => {
  const room = "changes-keys";
  const ann = await person(room);
  const bob = await person(room);
  await ann.send("first");
  await ann.send("second");
  await expect(bob.said("second")).toBeVisible();

  await test.step("Up in the empty box edits the last message; Escape leaves it as it was", async () => {
    await ann.composer.focus();
    await ann.composer.press("ArrowUp");
    await expect(ann.composer).toHaveValue("second");
    await expect(ann.page.getByText("Editing message")).toBeVisible();
    await expect(ann.page.getByRole("button", { name: "Save" })).toBeVisible();
    await ann.composer.press("Escape");
    await expect(ann.composer).toHaveValue("");
    await expect(ann.page.getByText("Editing message")).toHaveCount(0);
    await expect(ann.said("second").getByText("(edited)")).toHaveCount(0);
  });

  await test.step("Up, change, Enter: saved, and everyone sees it", async () => {
    await ann.composer.press("ArrowUp");
    await ann.composer.press("End");
    await ann.composer.pressSequentially(", fixed");
    await ann.composer.press("Enter");
    await expect(ann.composer).toHaveValue("");
    for (const chat of [ann, bob]) {
      await expect(chat.said("second, fixed").getByText("(edited)")).toBeVisible();
      expect(await chat.texts()).toEqual(["first", "second, fixed"]);
    }
  });

  await test.step("the actions are reached by focus; Delete asks, Escape cancels and focus returns", async () => {
    const bar = ann.said("first").getByRole("group", { name: "Message actions" });
    const remove = bar.getByRole("button", { name: "Delete" });
    await ann.page.mouse.move(0, 0);
    await expect(bar).toHaveCSS("opacity", "0");
    await remove.focus();
    await expect(bar).toHaveCSS("opacity", "1");
    await ann.page.keyboard.press("Enter");
    const dialog = ann.page.getByRole("dialog", { name: "Delete message?" });
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await ann.page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(remove).toBeFocused();
    await expect(ann.said("first")).toBeVisible();
  });
});

test("the action menu and the picker pass axe; the picker's code and data load only when it opens", async ({
  person,
}) => {
  const room = "changes-axe";
  const ann = await person(room);
  const requested: string[] = [];
  ann.page.on("request", (request) => requested.push(new URL(request.url()).pathname));
  await ann.send("look at this");
  await expect(ann.said("look at this")).toBeVisible();
  expect(requested.filter((path) => path.startsWith("/emoji-data/"))).toEqual([]);
  const scriptsBefore = requested.filter((path) => path.endsWith(".js")).length;

  await ann.act("look at this", "Add reaction");
  const picker = ann.page.getByRole("dialog", { name: "Add reaction" });
  await expect(picker.getByRole("searchbox", { name: "Search emoji" })).toBeFocused();
  await expect(picker.getByRole("gridcell", { name: "Grinning face", exact: true })).toBeVisible();
  expect(requested).toContain("/emoji-data/en/data.json");
  expect(requested.filter((path) => path.endsWith(".js")).length).toBeGreaterThan(scriptsBefore);

  const results = await new AxeBuilder({ page: ann.page }).analyze();
  expect(results.violations).toEqual([]);

  await test.step("search finds an emoji by name; picking it by keyboard reacts and closes the picker", async () => {
    const search = picker.getByRole("searchbox", { name: "Search emoji" });
    await search.fill("rocket");
    await expect(picker.getByRole("gridcell", { name: "Rocket", exact: true })).toBeVisible();
    // From the keyboard: the arrows move through the emoji found, Enter picks.
    await search.press("ArrowDown");
    await search.press("Enter");
    await expect(picker).toHaveCount(0);
    await expect(ann.reaction("look at this", "🚀")).toHaveText("🚀 1");
    await expect(
      ann.said("look at this").getByRole("button", { name: "Add reaction" }),
    ).toBeFocused();
  });
});

test("in the dark theme too, the action bar, reactions and the picker pass axe", async ({
  person,
}) => {
  const room = "changes-axe-dark";
  const ann = await person(room, { context: { colorScheme: "dark" } });
  await ann.send("dark and **bold**");
  await ann.react("dark and", "🎉");
  await expect(ann.reaction("dark and", "🎉")).toHaveText("🎉 1");
  await ann.act("dark and", "Add reaction");
  const picker = ann.page.getByRole("dialog", { name: "Add reaction" });
  await expect(picker.getByRole("gridcell", { name: "Grinning face", exact: true })).toBeVisible();
  const results = await new AxeBuilder({ page: ann.page }).analyze();
  expect(results.violations).toEqual([]);
});

test("a reply's quote of a message older than what is loaded jumps to it: the history around it loads, and it is shown and marked", async ({
  app,
  person,
}) => {
  const room = "changes-jump";
  await seedHistory(app.dataDir, room, 400);
  await seedReply(app.dataDir, room, 3, "answering m3");
  const reader = await person(room);
  const quote = reader.said("answering m3").getByRole("button", { name: /^Replying to / });
  await expect(quote).toHaveAccessibleName("Replying to Earlier message");
  const original = reader.log.locator('article[data-seq="3"]');
  await expect(original).toHaveCount(0);

  await quote.click();
  await expect(original).toBeFocused({ timeout: 20_000 });
  await expect(original).toBeInViewport();
  await expect(original).toHaveClass(/bg-amber-100/);
  await expect(original.locator("p")).toHaveText("m3");
});

test("edits, deletes and reactions never make a room unread; a new message does", async ({
  person,
}) => {
  const room = "changes-unread";
  const ann = await person(room);
  const bob = await person(room);
  await ann.send("to be edited");
  await ann.send("to be deleted");
  await expect(bob.said("to be deleted")).toBeVisible();
  await expect(bob.page).toHaveTitle(`#${room} · Scrollback`);

  await bob.setVisible(false);
  await ann.edit("to be edited", "edited while away");
  await ann.react("edited while away", "👀");
  await ann.remove("to be deleted");
  await expect(bob.said("edited while away")).toBeVisible();
  await expect(bob.reaction("edited while away", "👀")).toHaveText("👀 1");
  await expect(bob.said("This message was deleted")).toHaveCount(1);
  await expect(bob.page).toHaveTitle(`#${room} · Scrollback`);

  await ann.send("really new");
  await expect(bob.page).toHaveTitle(`(1) #${room} · Scrollback`);
  await bob.setVisible(true);
  await expect(bob.log.getByRole("separator", { name: "Unread messages" })).toHaveCount(1);
  const divider = bob.log.getByRole("separator", { name: "Unread messages" });
  await expect(divider.locator("xpath=following::article[1]")).toContainText("really new");
});

test("on a phone, a long press on a message shows its actions", async ({ person }) => {
  const room = "changes-phone";
  const ann = await person(room, {
    context: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true },
  });
  await ann.send("press me");
  const message = ann.said("press me");
  const bar = message.getByRole("group", { name: "Message actions" });
  await expect(bar).toHaveCSS("opacity", "0");
  await message.dispatchEvent("touchstart");
  await expect(bar).toHaveCSS("opacity", "1");
  await expect(bar.getByRole("button", { name: "Reply" })).toBeFocused();
  await bar.getByRole("button", { name: "Edit" }).tap();
  await expect(ann.composer).toHaveValue("press me");
});
