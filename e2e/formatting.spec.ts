import { expect, test } from "./support/fixtures";

test("formatting is seen by everyone: bold, italic, strikethrough, code, quotes, lists; markup and unsafe links stay text", async ({
  person,
}) => {
  const room = "formatting";
  const ann = await person(room);
  const bob = await person(room, {
    context: { permissions: ["clipboard-read", "clipboard-write"] },
  });

  await ann.send("**bold** _slanted_ ~~gone~~ and `a < b`");
  await ann.composer.fill("```\nconst answer = 42;\n```");
  await ann.composer.press("Enter");
  await ann.composer.fill("> quoted\n\n- one\n- two");
  await ann.composer.press("Enter");
  await ann.send("[click](javascript:alert(1)) <b>raw</b> https://example.com/x");

  for (const chat of [ann, bob]) {
    const inline = chat.said("bold");
    await expect(inline.locator("strong")).toHaveText("bold");
    await expect(inline.locator("em")).toHaveText("slanted");
    await expect(inline.locator("del")).toHaveText("gone");
    await expect(inline.locator("code")).toHaveText("a < b");

    const block = chat.said("const answer");
    await expect(block.locator("pre")).toHaveText("const answer = 42;");
    await expect(block.locator("pre")).toHaveCSS("font-family", /mono/i);
    await expect(block.locator("pre")).toHaveCSS("overflow-x", "auto");
    await expect(block.getByRole("button", { name: "Copy" })).toBeVisible();

    const structure = chat.said("quoted");
    await expect(structure.locator("blockquote")).toHaveText("quoted");
    await expect(structure.getByRole("listitem")).toHaveText(["one", "two"]);

    const unsafe = chat.said("raw");
    await expect(unsafe).toContainText("[click](javascript:alert(1)) <b>raw</b>");
    await expect(unsafe.locator("b")).toHaveCount(0);
    await expect(unsafe.getByRole("link")).toHaveCount(1);
    await expect(unsafe.getByRole("link")).toHaveAttribute("href", "https://example.com/x");
  }

  await bob.said("const answer").getByRole("button", { name: "Copy" }).click();
  await expect(bob.said("const answer").getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await bob.page.evaluate(() => navigator.clipboard.readText())).toBe("const answer = 42;");
});
