import type { ChatPage } from "./support/chat-page";
import { expect, test } from "./support/fixtures";

/** The room list refreshes itself every few seconds; allow a couple of rounds on a busy machine. */
const REFRESH = { timeout: 30_000 };

type Account = { email: string; password: string; name: string };

let accounts = 0;
function newAccount(): Account {
  accounts += 1;
  return {
    email: `reader-${accounts}-${Date.now().toString(36)}@example.test`,
    password: "quiet-meadow-reader-lantern",
    name: "Ana",
  };
}

/**
 * Signs the person's browser in through the auth API, as the sign-in form
 * would (same Origin), then reloads so that the page and its socket come
 * with the session cookie.
 */
async function signInThroughApi(
  chat: ChatPage,
  baseUrl: string,
  path: "sign-up" | "sign-in",
  account: Account,
): Promise<void> {
  const body = path === "sign-up" ? account : { email: account.email, password: account.password };
  const response = await chat.page.request.post(`${baseUrl}/api/auth/${path}/email`, {
    data: body,
    headers: { origin: baseUrl },
  });
  expect(response.status(), await response.text()).toBe(200);
  await chat.page.reload();
  await chat.expectConnected();
}

test("reading a room on one device clears its unread badge on the other", async ({
  app,
  person,
}) => {
  // Three browser contexts, two sign-ins and a wait for the room list's refresh.
  test.slow();
  const laptop = await person("lobby");
  const phone = await person("lobby");

  await test.step("the same person signs up on the laptop and in on the phone", async () => {
    const account = newAccount();
    await signInThroughApi(laptop, app.url, "sign-up", account);
    await signInThroughApi(phone, app.url, "sign-in", account);
  });

  await test.step("a room opened on the laptop is one of the phone's rooms too", async () => {
    await laptop.goto("news");
    // Connected is the socket; the room is the account's once joined (its presence list comes after).
    await expect(laptop.online.getByRole("listitem")).toHaveCount(1);
    await laptop.goto("lobby");
    // The phone's browser has never opened #news: only the account knows it.
    await expect(phone.switcher.getByRole("link", { name: /#news/ })).toBeVisible(REFRESH);
  });

  await test.step("messages arrive in it: both devices count them", async () => {
    const bea = await person("news");
    for (const text of ["n1", "n2", "n3"]) await bea.send(text);
    await expect(bea.stored("n3")).toBeVisible();
    for (const device of [laptop, phone])
      await expect(device.switcher.getByRole("link", { name: /#news/ })).toContainText(
        "3 unread",
        REFRESH,
      );
  });

  await test.step("the laptop opens the room and reads them: the phone's badge clears", async () => {
    await laptop.switcher.getByRole("link", { name: /#news/ }).click();
    await laptop.expectConnected();
    await expect(laptop.stored("n3")).toBeInViewport();
    const onPhone = phone.switcher.getByRole("link", { name: /#news/ });
    await expect(onPhone).toBeVisible();
    await expect(onPhone).not.toContainText("unread");
  });

  await test.step("the phone's landing page agrees", async () => {
    await phone.page.goto(`${app.url}/`);
    const rooms = phone.page.getByRole("region", { name: "Your rooms" });
    await expect(rooms.getByRole("link", { name: /#news/ })).toBeVisible();
    await expect(rooms.getByRole("link", { name: /#news/ })).not.toContainText("unread");
  });
});

test("the title of a tab in the background on another device stops counting once read", async ({
  app,
  person,
}) => {
  // Three browser contexts and two sign-ins, on a machine that may be busy.
  test.slow();
  const laptop = await person("lobby");
  const phone = await person("news");
  const account = newAccount();
  await signInThroughApi(laptop, app.url, "sign-up", account);
  await signInThroughApi(phone, app.url, "sign-in", account);
  await expect(phone.page).toHaveTitle("#news · Scrollback");

  await phone.setVisible(false);
  const bea = await person("news");
  for (const text of ["n1", "n2"]) await bea.send(text);
  await expect(phone.page).toHaveTitle("(2) #news · Scrollback");

  await laptop.goto("news");
  await expect(laptop.stored("n2")).toBeInViewport();
  await expect(phone.page).toHaveTitle("#news · Scrollback");
});
