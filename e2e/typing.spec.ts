import { expect, test } from "./support/fixtures";

test("someone typing is shown to the others, and cleared when they send or empty the box", async ({
  person,
}) => {
  const ana = await person("typing");
  const bea = await person("typing");
  const anaName = await ana.name();
  // Both have joined once each sees the other.
  await expect(bea.online.getByRole("listitem")).toHaveCount(2);
  await expect(ana.online.getByRole("listitem")).toHaveCount(2);

  await test.step("Ana types: Bea sees it, Ana does not see herself", async () => {
    await ana.composer.pressSequentially("hello th");
    await expect(bea.typingLine()).toHaveText(`${anaName} is typing…`);
    await expect(ana.typingLine()).toHaveCount(0);
  });

  await test.step("Ana sends: the line clears as her message arrives", async () => {
    await ana.composer.pressSequentially("ere");
    await ana.composer.press("Enter");
    await expect(bea.message("hello there")).toBeVisible();
    await expect(bea.typingLine()).toHaveCount(0);
  });

  await test.step("Ana starts again and deletes what she typed: the line clears", async () => {
    await ana.composer.pressSequentially("hmm");
    await expect(bea.typingLine()).toHaveText(`${anaName} is typing…`);
    await ana.composer.fill("");
    await expect(bea.typingLine()).toHaveCount(0);
  });
});

test("several typists are summed up, and a typist who leaves is cleared", async ({ person }) => {
  const watcher = await person("crowd");
  const typists = [await person("crowd"), await person("crowd"), await person("crowd")];
  for (const chat of [watcher, ...typists])
    await expect(chat.online.getByRole("listitem")).toHaveCount(4);
  const [first, second] = await Promise.all(typists.slice(0, 2).map((chat) => chat.name()));

  // Each keystroke by those already typing keeps their notice fresh on a slow machine.
  const typeOn = async (count: number) => {
    for (const chat of typists.slice(0, count)) await chat.composer.press("x");
  };
  await typeOn(1);
  await expect(watcher.typingLine()).toHaveText(`${first} is typing…`);
  await typeOn(2);
  await expect(watcher.typingLine()).toHaveText(`${first} and ${second} are typing…`);
  await typeOn(3);
  await expect(watcher.typingLine()).toHaveText(`${first} and 2 others are typing…`);

  await typists[0]?.close();
  await expect(watcher.typingLine()).toHaveText(
    `${second} and ${await typists[2]?.name()} are typing…`,
  );
});

test("a typist who stops without sending is cleared after a few seconds", async ({ person }) => {
  const ana = await person("idle");
  const bea = await person("idle");
  await expect(bea.online.getByRole("listitem")).toHaveCount(2);
  await expect(ana.online.getByRole("listitem")).toHaveCount(2);
  await ana.composer.pressSequentially("thinking");
  await expect(bea.typingLine()).toBeVisible();
  // Ana keeps her draft but types no more: the notice expires by itself.
  await expect(bea.typingLine()).toHaveCount(0, { timeout: 20_000 });
  await expect(ana.composer).toHaveValue("thinking");
});
