import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./support/fixtures";

/** The room list refreshes itself every few seconds; allow a couple of rounds on a busy machine. */
const REFRESH = { timeout: 30_000 };

test("a mention picked from the suggestions by keyboard reaches the person: badge, Mentions view, highlight; an edit withdraws it", async ({
  person,
}) => {
  const bea = await person("meet");
  await bea.send("hello");
  await expect(bea.stored("hello")).toBeVisible();
  const ana = await person("meet");
  await expect(ana.stored("hello")).toBeVisible();
  const anaName = await ana.name();
  await ana.goto("elsewhere");
  const meetLink = ana.switcher.getByRole("link", { name: /#meet/ });

  await test.step("Bea types @ and part of Ana's name: the suggestions list her, and the page stays accessible", async () => {
    await bea.composer.fill("");
    await bea.composer.pressSequentially(`see this @${anaName.slice(0, 3)}`);
    const listbox = bea.page.getByRole("listbox", { name: "People to mention" });
    await expect(listbox.getByRole("option", { name: anaName })).toBeVisible();
    await expect(bea.composer).toHaveAttribute("aria-activedescendant", /.+/);
    const results = await new AxeBuilder({ page: bea.page }).analyze();
    expect(results.violations).toEqual([]);

    // Escape closes the suggestions and keeps the draft.
    await bea.composer.press("Escape");
    await expect(listbox).toHaveCount(0);
    await expect(bea.composer).toHaveValue(`see this @${anaName.slice(0, 3)}`);
    await bea.composer.press("Backspace");
    await bea.composer.pressSequentially(anaName.slice(2, 3));
    await expect(listbox).toBeVisible();
    await bea.composer.press("ArrowDown");
    await bea.composer.press("Tab");
    await expect(bea.composer).toHaveValue(`see this @${anaName} `);
    await bea.composer.pressSequentially("please");
    await bea.composer.press("Enter");
    await expect(bea.stored(`see this @${anaName} please`)).toBeVisible();
  });

  await test.step("Ana, in another room, sees the mention counted apart on the room in the sidebar", async () => {
    await expect(meetLink).toContainText("1 mention", REFRESH);
    await expect(meetLink).toContainText("@ 1");
  });

  await test.step("the Mentions view lists it", async () => {
    await ana.page.getByRole("button", { name: "Mentions" }).click();
    const dialog = ana.page.getByRole("dialog", { name: "Mentions" });
    const list = dialog.getByRole("list", { name: "Messages that mention you" });
    await expect(list.getByRole("link")).toHaveCount(1);
    await expect(list.getByRole("link")).toContainText(`see this @${anaName} please`);
    await expect(list.getByRole("link")).toContainText("#meet");
    await expect(list.getByRole("link")).toHaveAttribute("href", /\/chat\/meet\?at=2$/);
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  await test.step("an edit that drops the name withdraws it from the badge and the view", async () => {
    await bea.edit(`see this @${anaName} please`, "see this please");
    await expect(bea.stored("see this please")).toBeVisible();
    await expect(meetLink).not.toContainText("mention", REFRESH);
    await ana.page.getByRole("button", { name: "Mentions" }).click();
    const dialog = ana.page.getByRole("dialog", { name: "Mentions" });
    await expect(dialog.getByText("Nobody has mentioned you yet.")).toBeVisible();
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  await test.step("a new mention, opened from the view, is highlighted in the room as Ana's own", async () => {
    await bea.send(`@${anaName} again`);
    await expect(bea.stored(`@${anaName} again`)).toBeVisible();
    await ana.page.getByRole("button", { name: "Mentions" }).click();
    const dialog = ana.page.getByRole("dialog", { name: "Mentions" });
    await dialog.getByRole("link", { name: /again/ }).click();
    await ana.expectConnected();
    const message = ana.said(`@${anaName} again`);
    await expect(message).toContainText("Mentions you");
    await expect(message.locator("span.bg-amber-200", { hasText: `@${anaName}` })).toBeVisible();
  });
});
