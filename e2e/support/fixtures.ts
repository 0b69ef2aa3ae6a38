import { type BrowserContextOptions, test as base } from "@playwright/test";
import { LinkRelay } from "../../lib/server/testing/link-relay";
import { AppServer } from "./app-server";
import { ChatPage } from "./chat-page";

type Fixtures = {
  /** A fresh production server with its own empty database, for this test only. */
  app: AppServer;
  /**
   * A TCP relay in front of the app: a person opened `through` it reaches the
   * server over a link the test can cut and restore. It follows the app across
   * restarts, since the app keeps its port.
   */
  link: LinkRelay;
  /**
   * Opens the room as a new person (a separate browser context), directly or
   * through the link, optionally with their own screen size or colour scheme.
   */
  person: (
    room: string,
    options?: { through?: LinkRelay; context?: BrowserContextOptions },
  ) => Promise<ChatPage>;
};

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a destructured object.
  app: async ({}, use) => {
    const app = await AppServer.start();
    await use(app);
    await app.dispose();
  },
  link: async ({ app }, use) => {
    const link = await LinkRelay.start(app.port);
    await use(link);
    await link.close();
  },
  person: async ({ browser, app }, use) => {
    const opened: ChatPage[] = [];
    await use(async (room, options = {}) => {
      const chat = await ChatPage.open(
        browser,
        options.through?.url ?? app.url,
        room,
        options.context,
      );
      opened.push(chat);
      return chat;
    });
    await Promise.all(opened.map((chat) => chat.close()));
  },
});

export { expect } from "@playwright/test";
