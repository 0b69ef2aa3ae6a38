import { expect, test } from "./support/fixtures";

test("the landing page lists rooms with recent activity and joins a room by name", async ({
  page,
  app,
  person,
}) => {
  const someone = await person("lobby");
  await someone.send("first!");
  await expect(someone.message("first!")).toBeVisible();

  await page.goto(`${app.url}/`);
  const active = page.getByRole("region", { name: "Active rooms" });
  await expect(active.getByRole("link", { name: /#lobby/ })).toBeVisible();

  await page.getByRole("textbox", { name: "Room name" }).fill("Design-Team");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(/\/chat\/design-team$/);
  await expect(page.getByRole("heading", { name: "#design-team" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("Connected");
});

test("a room URL with uppercase letters redirects to the lowercase room", async ({ page, app }) => {
  await page.goto(`${app.url}/chat/General`);
  await expect(page).toHaveURL(/\/chat\/general$/);
});

test("Enter sends, Shift+Enter starts a new line, and the box clears after sending", async ({
  person,
}) => {
  const chat = await person("keys");
  await chat.composer.fill("line one");
  await chat.composer.press("Shift+Enter");
  await chat.composer.pressSequentially("line two");
  await expect(chat.messages()).toHaveCount(0);
  await expect(chat.composer).toHaveValue("line one\nline two");

  await chat.composer.press("Enter");
  await expect(chat.composer).toHaveValue("");
  const message = chat.message("line one");
  await expect(message).toBeVisible();
  // The lines are kept as typed.
  expect(await message.locator("p").textContent()).toBe("line one\nline two");

  await chat.composer.fill("by button");
  await chat.sendButton.click();
  await expect(chat.message("by button")).toBeVisible();
  await expect(chat.composer).toHaveValue("");
});

test("markup in a message is shown as text, never interpreted", async ({ person }) => {
  const author = await person("markup");
  const reader = await person("markup");
  const markup = `<img src=x onerror="document.title='pwned'"><b>bold?</b>`;
  await author.send(markup);
  for (const chat of [author, reader]) {
    const message = chat.message("<b>bold?</b>");
    await expect(message).toBeVisible();
    await expect(message.locator("p")).toHaveText(markup);
    await expect(message.locator("img, b")).toHaveCount(0);
    expect(await chat.page.title()).not.toBe("pwned");
  }
});

test("a person changes their display name; later messages carry it and earlier ones keep the old one", async ({
  person,
}) => {
  const ana = await person("names");
  const other = await person("names");
  await ana.send("before the change");
  await expect(other.message("before the change")).toBeVisible();
  const oldName =
    (await ana.message("before the change").locator("header span").first().textContent()) ?? "";

  await ana.page.getByRole("button", { name: "Change name" }).click();
  const nameBox = ana.page.getByRole("textbox", { name: "Display name" });
  await nameBox.fill("Ana Souza");
  await nameBox.press("Enter");
  await expect(ana.page.getByTestId("my-name")).toHaveText("Ana Souza");

  await ana.send("after the change");
  await expect(other.message("after the change")).toContainText("Ana Souza");
  await expect(other.message("before the change")).toContainText(oldName);
  await expect(other.message("before the change")).not.toContainText("Ana Souza");

  // The name belongs to the identity: it is still there after a reload.
  await ana.page.reload();
  await expect(ana.page.getByTestId("my-name")).toHaveText("Ana Souza");
});

test("a refused name keeps focus in the field and Escape still closes the editor; the field stops at 32 characters, counted as the server counts", async ({
  person,
}) => {
  const ana = await person("refused-names");
  const { page } = ana;
  const changeName = page.getByRole("button", { name: "Change name" });
  const nameBox = page.getByRole("textbox", { name: "Display name" });
  const before = await ana.name();

  await test.step("refused on Enter: the reason, in words; focus stays; Escape closes", async () => {
    await changeName.click();
    // A zero-width space: a name that hides part of itself.
    await nameBox.fill("Ana\u200bSouza");
    await nameBox.press("Enter");
    const alert = ana.header.getByRole("alert");
    await expect(alert).toBeVisible();
    await expect(alert).not.toHaveText(/^\w+: /);
    await expect(nameBox).toBeFocused();
    await expect(nameBox).toHaveAccessibleDescription((await alert.textContent()) ?? "");
    await page.keyboard.press("Escape");
    await expect(nameBox).toHaveCount(0);
    await expect(changeName).toBeFocused();
    expect(await ana.name()).toBe(before);
  });

  await test.step("refused after clicking Save: focus goes back to the field", async () => {
    await changeName.click();
    await nameBox.fill("   ");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(ana.header.getByRole("alert")).toBeVisible();
    await expect(nameBox).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(nameBox).toHaveCount(0);
  });

  await test.step("at most 32 characters; an emoji is one, as the server counts it", async () => {
    await changeName.click();
    await nameBox.fill("");
    await nameBox.pressSequentially("x".repeat(40));
    await expect(nameBox).toHaveValue("x".repeat(32));
    await nameBox.fill("🦊".repeat(32));
    await expect(nameBox).toHaveValue("🦊".repeat(32));
    await nameBox.press("Enter");
    await expect(page.getByTestId("my-name")).toHaveText("🦊".repeat(32));
  });
});

test("history is still there after the server restarts", async ({ app, person }) => {
  const chat = await person("durable");
  await chat.send("said before the restart");
  await expect(chat.message("said before the restart")).toBeVisible();

  await app.restart("SIGTERM");

  const newcomer = await person("durable");
  await expect(newcomer.message("said before the restart")).toBeVisible();
  // The open tab reconnects by itself and keeps chatting.
  await chat.expectConnected();
  await chat.send("said after the restart");
  await expect(newcomer.message("said after the restart")).toBeVisible();
  await expect(chat.messages()).toHaveCount(2);
});
