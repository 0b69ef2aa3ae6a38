import type { ChatPage } from "./support/chat-page";
import { expect, test } from "./support/fixtures";

// Names that pass for someone else's (issue 12): refused when they mix scripts
// or show nothing, and told apart when two people show look-alike names.

async function rename(chat: ChatPage, name: string): Promise<void> {
  await chat.page.getByRole("button", { name: "Change name" }).click();
  const nameBox = chat.page.getByRole("textbox", { name: "Display name" });
  await nameBox.fill(name);
  await nameBox.press("Enter");
}

test("a name with a Cyrillic letter among Latin ones is refused, saying why", async ({
  person,
}) => {
  const ana = await person("names");
  const before = await ana.name();

  await rename(ana, "Аlice");

  await expect(ana.page.getByRole("alert").filter({ hasText: "mixes" })).toHaveText(
    "This name mixes Cyrillic and Latin letters. Use one alphabet, so that look-alike letters can't pass for someone else's name.",
  );
  await ana.page.getByRole("textbox", { name: "Display name" }).press("Escape");
  await expect(ana.page.getByTestId("my-name")).toHaveText(before);
});

test("two people with look-alike names are told apart in messages, the Online list and the typing line", async ({
  person,
}) => {
  const ana = await person("lookalikes");
  const bea = await person("lookalikes");
  await rename(ana, "Alice");
  await expect(ana.page.getByTestId("my-name")).toHaveText("Alice");
  await ana.send("I am the real one");

  // A capital I for the small l: allowed (one script), but it looks the same.
  await rename(bea, "AIice");
  await expect(bea.page.getByTestId("my-name")).toHaveText("AIice");
  await bea.send("so am I");

  const tagged = /guest #[0-9a-f]{6,}/;
  await test.step("each message's author carries a tag, and the two tags differ", async () => {
    const realTag = ana.message("I am the real one").getByText(tagged);
    const fakeTag = ana.message("so am I").getByText(tagged);
    await expect(realTag).toBeVisible();
    await expect(fakeTag).toBeVisible();
    expect(await realTag.textContent()).not.toBe(await fakeTag.textContent());
  });

  await test.step("the Online list tags both", async () => {
    await expect(ana.online.getByRole("listitem").filter({ hasText: tagged })).toHaveCount(2);
  });

  await test.step("the typing line tags the typist", async () => {
    await bea.composer.fill("typing…");
    await expect(ana.typingLine()).toContainText(tagged);
  });

  await test.step("a third person with a distinct name gets no tag", async () => {
    const caio = await person("lookalikes");
    await rename(caio, "Caio");
    await expect(ana.online.getByRole("listitem").filter({ hasText: "Caio" })).not.toContainText(
      "guest #",
    );
  });
});
