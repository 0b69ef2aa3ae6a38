import { expect, test } from "./support/fixtures";

// The message box and the messages that were not sent (issue 11): what can be
// sent, what happens to a refused message, drafts, and where the cursor is.

const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 1,
  isMobile: true,
  hasTouch: true,
};

test("a blank or over-long draft cannot be sent: Send is disabled, Enter does nothing, and the box says why", async ({
  person,
}) => {
  const chat = await person("limits");
  const note = chat.page.getByText(/nothing to send|over the limit/);
  await expect(chat.sendButton).toBeDisabled();

  await test.step("only spaces", async () => {
    await chat.composer.fill("   \n  ");
    await expect(chat.sendButton).toBeDisabled();
    await expect(note).toHaveText("Only spaces: there is nothing to send.");
    await chat.composer.press("Enter");
    // A click on it, as someone might try: nothing goes.
    await chat.sendButton.click({ force: true });
    await expect(chat.composer).toHaveValue("   \n  ");
  });

  await test.step("one character over the limit", async () => {
    await chat.composer.fill("x".repeat(4001));
    await expect(chat.sendButton).toBeDisabled();
    await expect(chat.page.getByText("4001/4000")).toBeVisible();
    await expect(note).toHaveText("1 character over the limit of 4000: shorten it to send.");
    await expect(chat.sendButton).toHaveAccessibleDescription(/over the limit/);
    await chat.composer.press("Enter");
    // A click on it, as someone might try: nothing goes.
    await chat.sendButton.click({ force: true });
    await expect(chat.composer).toHaveValue("x".repeat(4001));
  });

  // Nothing left the box: no message, pending or failed.
  await expect(chat.messages()).toHaveCount(0);

  await test.step("back at the limit, it sends", async () => {
    await chat.composer.press("End");
    await chat.composer.press("Backspace");
    await expect(chat.sendButton).toBeEnabled();
    await expect(note).toHaveCount(0);
    await chat.composer.press("Enter");
    await expect(chat.stored("x".repeat(4000))).toHaveCount(1);
    await expect(chat.composer).toHaveValue("");
  });
});

test("a message refused for good offers Edit, which puts it back in the box; it stays after every stored message and hides none of them", async ({
  person,
}) => {
  const room = "refused-for-good";
  const author = await person(room);
  const other = await person(room);
  const tooLong = `${"y".repeat(4000)}z`;

  await test.step("refused: the reason in words, Edit and Discard, no Retry that cannot work", async () => {
    await author.leaveInOutbox(room, tooLong);
    const failed = author.failed(tooLong);
    await expect(failed).toContainText("Not sent");
    await expect(failed).toContainText(
      "The message is longer than 4000 characters. Edit it to shorten it.",
    );
    await expect(failed).not.toContainText("text:");
    await expect(failed.getByRole("button", { name: "Edit" })).toBeVisible();
    await expect(failed.getByRole("button", { name: "Discard" })).toBeVisible();
    await expect(failed.getByRole("button", { name: "Retry" })).toHaveCount(0);
  });

  await test.step("later messages come above it, in view", async () => {
    for (const text of ["later 1", "later 2", "later 3"]) await other.send(text);
    await expect(author.stored("later 3")).toBeInViewport();
    await expect(author.messages().last()).toHaveAttribute("data-state", "failed");
    expect(await author.texts()).toEqual(["later 1", "later 2", "later 3", tooLong]);
  });

  await test.step("Edit: the text is back in the box, the failed message is gone, for good", async () => {
    await author.failed(tooLong).getByRole("button", { name: "Edit" }).click();
    await expect(author.composer).toHaveValue(tooLong);
    await expect(author.composer).toBeFocused();
    await expect(author.failed(tooLong)).toHaveCount(0);
    await author.page.reload();
    await author.expectConnected();
    await expect(author.failed(tooLong)).toHaveCount(0);
    // The box kept it across the reload, as a draft.
    await expect(author.composer).toHaveValue(tooLong);
  });

  await test.step("shortened, it is sent", async () => {
    await author.composer.press("End");
    await author.composer.press("Backspace");
    await author.composer.press("Enter");
    await expect(other.stored("y".repeat(4000))).toHaveCount(1);
    expect(await other.texts()).toEqual(["later 1", "later 2", "later 3", "y".repeat(4000)]);
  });
});

test("a failed message stored by the earlier version still loads, with its reason written for people", async ({
  person,
}) => {
  const room = "left-behind";
  const author = await person(room);
  await author.leaveInOutbox(room, "refused long ago", {
    code: "internal",
    message: "text: Something went wrong on the server (ref 1a2b3c4d).",
  });
  const failed = author.failed("refused long ago");
  await expect(failed).toContainText("Something went wrong on the server (ref 1a2b3c4d).");
  await expect(failed).not.toContainText("text:");
  // An internal error may pass: Retry is offered, and this time it is stored.
  await failed.getByRole("button", { name: "Retry" }).click();
  await expect(author.stored("refused long ago")).toHaveCount(1);
  await expect(author.failed("refused long ago")).toHaveCount(0);
});

test("each room keeps its draft across room switches and reloads, until it is sent", async ({
  person,
}) => {
  const chat = await person("drafts-one");
  await chat.composer.fill("half a thought");

  await chat.goto("drafts-two");
  await expect(chat.composer).toHaveValue("");
  await chat.composer.fill("for the second room");

  // Switching back through the room list, as a person would.
  await chat.switcher.getByRole("link", { name: "#drafts-one" }).click();
  await chat.expectConnected();
  await expect(chat.roomName).toHaveText("#drafts-one");
  await expect(chat.composer).toHaveValue("half a thought");

  await chat.page.reload();
  await chat.expectConnected();
  await expect(chat.composer).toHaveValue("half a thought");

  await chat.composer.press("Enter");
  await expect(chat.stored("half a thought")).toBeVisible();
  await expect(chat.composer).toHaveValue("");
  await chat.page.reload();
  await chat.expectConnected();
  await expect(chat.composer).toHaveValue("");

  await chat.goto("drafts-two");
  await expect(chat.composer).toHaveValue("for the second room");
});

test("after joining a room the message box has focus, on a computer", async ({ page, app }) => {
  await page.goto(`${app.url}/`);
  await page.getByRole("textbox", { name: "Room name" }).fill("focus-here");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("heading", { name: "#focus-here" })).toBeVisible();
  const composer = page.getByRole("textbox", { name: "Message" });
  await expect(composer).toBeFocused();
  await page.keyboard.type("typed straight away");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("log").getByText("typed straight away")).toBeVisible();

  // Switching rooms from the room list: the new room's box has it.
  await page.goto(`${app.url}/chat/focus-there`);
  await expect(composer).toBeFocused();
  await page
    .getByRole("navigation", { name: "Rooms" })
    .getByRole("link", { name: "#focus-here" })
    .click();
  await expect(page.getByRole("heading", { name: "#focus-here" })).toBeVisible();
  await expect(composer).toBeFocused();
});

test("on a phone, opening a room does not put the cursor in the box, so no keyboard opens unasked", async ({
  person,
}) => {
  const phone = await person("no-keyboard", { context: PHONE });
  await expect(phone.composer).not.toBeFocused();
  await phone.composer.tap();
  await expect(phone.composer).toBeFocused();
});
