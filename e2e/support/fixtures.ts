import { test as base } from "@playwright/test";
import { AppServer } from "./app-server";
import { ChatPage } from "./chat-page";

type Fixtures = {
  /** A fresh production server with its own empty database, for this test only. */
  app: AppServer;
  /** Opens the room as a new person (a separate browser context). */
  person: (room: string) => Promise<ChatPage>;
};

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a destructured object.
  app: async ({}, use) => {
    const app = await AppServer.start();
    await use(app);
    await app.dispose();
  },
  person: async ({ browser, app }, use) => {
    const opened: ChatPage[] = [];
    await use(async (room) => {
      const chat = await ChatPage.open(browser, app.url, room);
      opened.push(chat);
      return chat;
    });
    await Promise.all(opened.map((chat) => chat.close()));
  },
});

export { expect } from "@playwright/test";
