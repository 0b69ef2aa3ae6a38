import { ChatPage } from "./support/chat-page";
import { expect, test } from "./support/fixtures";

// What the page says about its connection when the browser itself goes
// offline (issue 11). The page is opened on `localhost`, as the README says to
// open it: there engine.io keeps the socket open when the browser goes
// offline, and only the browser's own `offline` event tells the page at once.
// That the reconnect comes at once rather than after Socket.IO's backoff is
// proven in lib/client/room-client.test.ts, where the backoff can be made long
// enough to tell the two apart.

/** Much less than the heartbeat (pingInterval + pingTimeout) that notices a dead link by itself. */
const AT_ONCE = { timeout: 3_000 };

test("the browser going offline shows at once, with what happens to messages; back online, it reconnects and sends them", async ({
  browser,
  app,
  person,
}) => {
  const room = "offline-browser";
  const url = app.url.replace("127.0.0.1", "localhost");
  const ana = await ChatPage.open(browser, url, room);
  const bea = await person(room);
  try {
    await test.step("offline: said at once, and what is written waits", async () => {
      await ana.context.setOffline(true);
      await ana.expectOffline(0, AT_ONCE);
      await expect(ana.page.getByText("You are offline.")).toContainText(
        "sent when the connection is back",
      );
      await ana.send("written on the train");
      await expect(ana.pending("written on the train")).toBeVisible();
      await ana.expectOffline(1);
      await expect(bea.messages()).toHaveCount(0);
    });

    await test.step("online again: connected and delivered, once", async () => {
      await ana.context.setOffline(false);
      await ana.expectConnected();
      await expect(ana.page.getByText("You are offline.")).toHaveCount(0);
      for (const chat of [ana, bea]) {
        await expect(chat.stored("written on the train")).toHaveCount(1);
        expect(await chat.texts()).toEqual(["written on the train"]);
      }
    });
  } finally {
    await ana.close();
  }
});
