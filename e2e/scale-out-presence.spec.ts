import type { ChatPage } from "./support/chat-page";
import { Deployment } from "./support/deployment";
import { expect, test } from "./support/fixtures";

test("behind nginx, with people on two instances, everyone sees everyone online and typing, and who leaves", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const deployment = await Deployment.start();
  try {
    const room = "everywhere";
    const people =
      await test.step("people arrive through nginx until both instances hold someone", () =>
        deployment.peopleOnEveryInstance(browser, room));
    // Each instance holds at least one of these people, so whatever each of
    // them sees of all the others includes someone on the other instance.
    const names = await Promise.all(people.map((person) => person.name()));

    await test.step("everyone lists everyone, once", async () => {
      for (const person of people) {
        await expect(person.online.getByRole("listitem")).toHaveCount(people.length);
        for (const name of names)
          await expect(person.online.getByRole("listitem").filter({ hasText: name })).toHaveCount(
            1,
          );
      }
    });

    const [typist, ...others] = people as [ChatPage, ...ChatPage[]];
    await test.step("someone's typing reaches everyone else", async () => {
      await typist.composer.pressSequentially("hello every");
      for (const person of others)
        await expect(person.typingLine()).toHaveText(`${names[0]} is typing…`);
      await typist.composer.press("Enter");
      for (const person of others) await expect(person.typingLine()).toHaveCount(0);
    });

    await test.step("the landing page counts everyone, wherever they are connected", async () => {
      const page = await (await browser.newContext({ baseURL: deployment.url })).newPage();
      await page.goto("/");
      await expect(page.getByRole("link", { name: /#everywhere/ })).toContainText(
        `${people.length} online`,
      );
      await page.context().close();
    });

    await test.step("someone who closes their browser leaves everyone's list", async () => {
      await typist.close();
      for (const person of others) {
        await expect(person.online.getByRole("listitem")).toHaveCount(people.length - 1);
        await expect(person.online.getByRole("listitem").filter({ hasText: names[0] })).toHaveCount(
          0,
        );
      }
    });
  } finally {
    await deployment.dispose();
  }
});
