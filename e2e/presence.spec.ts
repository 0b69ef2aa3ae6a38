import { expect, test } from "./support/fixtures";

// Who is online (issue 5): every person in their own browser context, so
// closing a context is a person closing their browser.

test("people appear in the Online list when they open the room and disappear when they close it", async ({
  person,
}) => {
  const ana = await person("lobby");
  const anaName = await ana.name();
  await expect(ana.online.getByRole("listitem")).toHaveText([`${anaName}(you)`]);

  const bea = await person("lobby");
  const beaName = await bea.name();
  await test.step("the newcomer appears for the one already there, and sees both", async () => {
    // Everyone but you has a Message button, for a direct conversation.
    await expect(ana.online.getByRole("listitem")).toHaveText([
      `${anaName}(you)`,
      `${beaName}Message`,
    ]);
    await expect(bea.online.getByRole("listitem")).toHaveText([
      `${beaName}(you)`,
      `${anaName}Message`,
    ]);
  });

  await test.step("closing the browser takes them off the list at once", async () => {
    await bea.close();
    await expect(ana.online.getByRole("listitem")).toHaveText([`${anaName}(you)`]);
  });
});

test("two tabs of one person are one entry, until the last of them closes", async ({ person }) => {
  const ana = await person("tabs");
  const bea = await person("tabs");
  const anaName = await ana.name();
  const anaSecondTab = await ana.newTab("tabs");
  await expect(anaSecondTab.online.getByRole("listitem")).toHaveCount(2);

  await test.step("the other person sees one entry for the two tabs", async () => {
    await expect(bea.online.getByRole("listitem").filter({ hasText: anaName })).toHaveCount(1);
    await expect(bea.online.getByRole("listitem")).toHaveCount(2);
  });

  await test.step("closing one tab keeps the person online", async () => {
    await ana.page.close();
    // A newcomer's arrival shows that presence news has flowed since the tab closed.
    await person("tabs");
    await expect(bea.online.getByRole("listitem")).toHaveCount(3);
    await expect(bea.online.getByRole("listitem").filter({ hasText: anaName })).toHaveCount(1);
  });

  await test.step("closing the last tab takes them off", async () => {
    await anaSecondTab.page.close();
    await expect(bea.online.getByRole("listitem").filter({ hasText: anaName })).toHaveCount(0);
    await expect(bea.online.getByRole("listitem")).toHaveCount(2);
  });
});

test("the landing page shows how many people are online in each room", async ({
  page,
  app,
  person,
}) => {
  const ana = await person("busy");
  await ana.send("anyone here?");
  await person("busy");
  const quiet = await person("quiet");
  await quiet.send("just me");
  // Rooms are listed once they have a message.
  await expect(ana.stored("anyone here?")).toBeVisible();
  await expect(quiet.stored("just me")).toBeVisible();
  await expect(ana.online.getByRole("listitem")).toHaveCount(2);

  await page.goto(`${app.url}/`);
  const rooms = page.getByRole("region", { name: "Active rooms" });
  await expect(rooms.getByRole("link", { name: /#busy/ })).toContainText("2 online");
  await expect(rooms.getByRole("link", { name: /#quiet/ })).toContainText("1 online");

  await quiet.close();
  // The list refreshes itself while the page is open.
  await expect(rooms.getByRole("link", { name: /#quiet/ })).not.toContainText("online", {
    timeout: 30_000,
  });
});
