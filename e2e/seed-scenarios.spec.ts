import { expect, test } from "./support/fixtures";

// The three scenarios of the seed report, each person in their own browser context.
test("A sends, B sees it and A sees it too; B replies and both see it; C arrives later and sees both, in order", async ({
  person,
}) => {
  const room = "seed";
  const a = await person(room);
  const b = await person(room);

  await test.step("1) the first person's message reaches the second, and its author", async () => {
    await a.send("Olá, alguém aí?");
    await expect(b.message("Olá, alguém aí?")).toBeVisible();
    await expect(a.message("Olá, alguém aí?")).toBeVisible();
  });

  await test.step("2) the second person answers and both see it", async () => {
    await b.send("Sim, estou aqui!");
    await expect(a.message("Sim, estou aqui!")).toBeVisible();
    await expect(b.message("Sim, estou aqui!")).toBeVisible();
  });

  await test.step("3) a third person who opens the room afterwards sees both, in order", async () => {
    const c = await person(room);
    await expect(c.messages()).toHaveCount(2);
    expect(await c.texts()).toEqual(["Olá, alguém aí?", "Sim, estou aqui!"]);
  });

  for (const chat of [a, b]) {
    await expect(chat.messages()).toHaveCount(2);
    expect(await chat.texts()).toEqual(["Olá, alguém aí?", "Sim, estou aqui!"]);
  }
});
