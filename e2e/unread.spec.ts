import { expect, test } from "./support/fixtures";
import { seedHistory } from "./support/seed";

/** The room list refreshes itself every few seconds; allow a couple of rounds on a busy machine. */
const REFRESH = { timeout: 30_000 };

test("rooms with messages you have not read show how many, on the landing page and in the room switcher", async ({
  app,
  person,
}) => {
  const bea = await person("alpha");
  await bea.send("first");
  const ana = await person("alpha");
  await expect(ana.stored("first")).toBeVisible();

  await ana.goto("beta");
  await ana.send("over in beta");
  await expect(ana.stored("over in beta")).toBeVisible();
  const switcher = ana.page.getByRole("navigation", { name: "Rooms" });
  await expect(switcher.getByRole("link", { name: /#alpha/ })).not.toContainText("unread");

  await test.step("three messages arrive in the room Ana left: the switcher counts them", async () => {
    for (const text of ["a1", "a2", "a3"]) await bea.send(text);
    await expect(bea.stored("a3")).toBeVisible();
    await expect(switcher.getByRole("link", { name: /#alpha/ })).toContainText("3 unread", REFRESH);
    await expect(switcher.getByRole("link", { name: /#beta/ })).not.toContainText("unread");
  });

  await test.step("the landing page counts them too", async () => {
    await ana.page.goto(`${app.url}/`);
    const rooms = ana.page.getByRole("region", { name: "Your rooms" });
    await expect(rooms.getByRole("link", { name: /#alpha/ })).toContainText("3 unread");
    await expect(rooms.getByRole("link", { name: /#beta/ })).not.toContainText("unread");
  });

  await test.step("opening the room shows a divider above the first unread message, and reads them", async () => {
    await ana.page
      .getByRole("region", { name: "Your rooms" })
      .getByRole("link", { name: /#alpha/ })
      .click();
    await ana.expectConnected();
    const divider = ana.log.getByRole("separator", { name: "Unread messages" });
    await expect(divider).toBeVisible();
    await expect(divider.locator("xpath=following::article[1]")).toContainText("a1");
    await ana.page.goto(`${app.url}/`);
    const rooms = ana.page.getByRole("region", { name: "Your rooms" });
    await expect(rooms.getByRole("link", { name: /#alpha/ })).toBeVisible();
    await expect(rooms.getByRole("link", { name: /#alpha/ })).not.toContainText("unread");
  });
});

test("while the tab is in the background its title counts new messages, and a divider marks where you left off", async ({
  person,
}) => {
  const ana = await person("news");
  const bea = await person("news");
  await bea.send("seen by both");
  await expect(ana.stored("seen by both")).toBeVisible();
  await expect(ana.page).toHaveTitle("#news · Scrollback");

  await ana.setVisible(false);
  await bea.send("while away 1");
  await expect(ana.page).toHaveTitle("(1) #news · Scrollback");
  await bea.send("while away 2");
  await expect(ana.page).toHaveTitle("(2) #news · Scrollback");

  // Reading them in another tab of the same browser reads them for this one too.
  const anaOtherTab = await ana.newTab("news");
  await expect(anaOtherTab.stored("while away 2")).toBeInViewport();
  await expect(ana.page).toHaveTitle("#news · Scrollback");
  await anaOtherTab.page.close();
  await bea.send("while away 3");
  await expect(ana.page).toHaveTitle("(1) #news · Scrollback");

  await ana.setVisible(true);
  await expect(ana.page).toHaveTitle("#news · Scrollback");
  // The divider marks the first message not yet read in any tab of this browser.
  const divider = ana.log.getByRole("separator", { name: "Unread messages" });
  await expect(divider.locator("xpath=following::article[1]")).toContainText("while away 3");
  await expect(ana.log.getByRole("separator")).toHaveCount(1);
});

test("arriving by a link to an older message leaves the newer ones unread until they are seen", async ({
  app,
  person,
}) => {
  const ana = await person("linked");
  await ana.send("before the rest");
  await expect(ana.stored("before the rest")).toBeVisible();
  await ana.goto("beta");
  await seedHistory(app.dataDir, "linked", 60);
  const switcher = ana.page.getByRole("navigation", { name: "Rooms" });
  await expect(switcher.getByRole("link", { name: /#linked/ })).toContainText("60 unread", REFRESH);

  await test.step("a link (a notification's, a search result's) opens the room at seq 10", async () => {
    await ana.page.goto("/chat/linked?at=10");
    const target = ana.log.locator('article[data-seq="10"]');
    await expect(target).toBeFocused({ timeout: 20_000 });
    await expect(ana.page).toHaveURL(/\/chat\/linked$/);
  });

  await test.step("the room joined at its newest messages before jumping, but they were not read", async () => {
    await ana.goto("beta");
    await expect(switcher.getByRole("link", { name: /#linked/ })).toContainText(
      "60 unread",
      REFRESH,
    );
  });

  await test.step("scrolling to the end reads them", async () => {
    await ana.page.goto("/chat/linked?at=10");
    await expect(ana.log.locator('article[data-seq="10"]')).toBeFocused({ timeout: 20_000 });
    const scroller = ana.log;
    await scroller.evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    await expect(ana.said("m61")).toBeInViewport();
    await ana.goto("beta");
    await expect(switcher.getByRole("link", { name: /#linked/ })).toBeVisible();
    await expect(switcher.getByRole("link", { name: /#linked/ })).not.toContainText(
      "unread",
      REFRESH,
    );
  });
});
