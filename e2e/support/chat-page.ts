import {
  type Browser,
  type BrowserContext,
  expect,
  type Locator,
  type Page,
} from "@playwright/test";

/** A person in a room, found on the page the way they would find things: by role and name. */
export class ChatPage {
  readonly log: Locator;
  readonly composer: Locator;
  readonly sendButton: Locator;
  readonly status: Locator;

  constructor(
    readonly page: Page,
    readonly context: BrowserContext,
  ) {
    this.log = page.getByRole("log", { name: "Messages" });
    this.composer = page.getByRole("textbox", { name: "Message" });
    this.sendButton = page.getByRole("button", { name: "Send" });
    this.status = page.getByRole("status");
  }

  /** A new person: their own browser context, so their own cookie and identity. */
  static async open(browser: Browser, baseUrl: string, room: string): Promise<ChatPage> {
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    const chat = new ChatPage(page, context);
    await chat.goto(room);
    return chat;
  }

  /** Another tab of the same person. */
  async newTab(room: string): Promise<ChatPage> {
    const chat = new ChatPage(await this.context.newPage(), this.context);
    await chat.goto(room);
    return chat;
  }

  async goto(room: string): Promise<void> {
    await this.page.goto(`/chat/${room}`);
    await this.expectConnected();
  }

  async expectConnected(options?: { timeout?: number }): Promise<void> {
    await expect(this.status).toHaveText("Connected", options);
  }

  messages(): Locator {
    return this.log.getByRole("article");
  }

  message(text: string): Locator {
    return this.messages().filter({ hasText: text });
  }

  /** A message the server has stored. */
  stored(text: string): Locator {
    return this.log.locator("article[data-seq]").filter({ hasText: text });
  }

  /** A message of this person's that is still waiting to be sent: shown at once, marked "Sending…". */
  pending(text: string): Locator {
    return this.log.locator('article[data-state="pending"]').filter({ hasText: text });
  }

  /** A message of this person's that the server refused, marked "Not sent". */
  failed(text: string): Locator {
    return this.log.locator('article[data-state="failed"]').filter({ hasText: text });
  }

  async expectReconnecting(waiting = 0): Promise<void> {
    await expect(this.status).toHaveText(
      waiting > 0 ? `Reconnecting… (${waiting} waiting to send)` : "Reconnecting…",
    );
  }

  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press("Enter");
  }

  /** The texts of the messages shown, top to bottom. */
  async texts(): Promise<string[]> {
    return this.messages().locator("p").allTextContents();
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
