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
  const recent = page.getByRole("region", { name: "Recent rooms" });
  await expect(recent.getByRole("link", { name: /#lobby/ })).toBeVisible();

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
