import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
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
  /** Who is online in the room: one item per person. */
  readonly online: Locator;
  /** The button that appears when new messages arrive while reading further up. */
  readonly newMessages: Locator;
  /** The page's header: the room's name, the connection and the person's name. */
  readonly header: Locator;
  readonly roomName: Locator;
  /** On a phone, the button that opens the rooms (and who is online). */
  readonly roomsButton: Locator;
  /** The room switcher: the list of rooms beside the log, or in the phone's panel. */
  readonly switcher: Locator;

  constructor(
    readonly page: Page,
    readonly context: BrowserContext,
  ) {
    this.log = page.getByRole("log", { name: "Messages" });
    this.composer = page.getByRole("textbox", { name: "Message" });
    this.sendButton = page.getByRole("button", { name: "Send" });
    this.status = page.getByRole("status");
    this.online = page.getByRole("list", { name: "Online" });
    this.newMessages = page.getByRole("button", { name: "New messages" });
    this.header = page.getByRole("banner");
    this.roomName = this.header.getByRole("heading", { level: 1 });
    this.roomsButton = page.getByRole("button", { name: "Rooms", exact: true });
    this.switcher = page.getByRole("navigation", { name: "Rooms" });
  }

  /** A new person: their own browser context, so their own cookie and identity. */
  static async open(
    browser: Browser,
    baseUrl: string,
    room: string,
    options: BrowserContextOptions = {},
  ): Promise<ChatPage> {
    const context = await browser.newContext({ ...options, baseURL: baseUrl });
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

  /**
   * A stored message whose own text (not a reply's quote of it) contains
   * `text`; a deleted one is found by "This message was deleted".
   */
  said(text: string): Locator {
    return this.log
      .locator("article[data-seq]")
      .filter({ has: this.page.locator("p, pre", { hasText: text }) });
  }

  /** Hovers a message and presses one of its actions. */
  async act(text: string, action: "Reply" | "Add reaction" | "Edit" | "Delete"): Promise<void> {
    const message = this.said(text);
    await message.hover();
    await message.getByRole("button", { name: action, exact: true }).click();
  }

  /** Edits one of this person's messages through its Edit action and the message box. */
  async edit(text: string, replacement: string): Promise<void> {
    await this.act(text, "Edit");
    await expect(this.composer).toHaveValue(text);
    await this.composer.fill(replacement);
    await this.composer.press("Enter");
  }

  /** Deletes one of this person's messages, confirming in the dialog. */
  async remove(text: string): Promise<void> {
    await this.act(text, "Delete");
    const dialog = this.page.getByRole("dialog", { name: "Delete message?" });
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(dialog).toHaveCount(0);
  }

  /** Adds a reaction from the picker's common emoji. */
  async react(text: string, emoji: string): Promise<void> {
    await this.act(text, "Add reaction");
    await this.page
      .getByRole("dialog", { name: "Add reaction" })
      .getByRole("button", { name: `React with ${emoji}` })
      .click();
  }

  /** A message's reaction button for an emoji, whatever its count. */
  reaction(text: string, emoji: string): Locator {
    return this.said(text)
      .getByRole("list", { name: "Reactions" })
      .getByRole("button", { name: new RegExp(`^${emoji} \\d+$`, "u") });
  }

  /** A message of this person's that is still waiting to be sent: shown at once, marked "Sending…". */
  pending(text: string): Locator {
    return this.log.locator('article[data-state="pending"]').filter({ hasText: text });
  }

  /** A message of this person's that the server refused, marked "Not sent". */
  failed(text: string): Locator {
    return this.log.locator('article[data-state="failed"]').filter({ hasText: text });
  }

  async expectOffline(waiting = 0, options?: { timeout?: number }): Promise<void> {
    await expect(this.status).toHaveText(
      waiting > 0 ? `Offline (${waiting} waiting to send)` : "Offline",
      options,
    );
  }

  async expectReconnecting(waiting = 0): Promise<void> {
    await expect(this.status).toHaveText(
      waiting > 0 ? `Reconnecting… (${waiting} waiting to send)` : "Reconnecting…",
    );
  }

  /**
   * Leaves a message in this browser's outbox as an earlier version of the
   * app could (its composer let an over-long text through), then reloads:
   * the page finds it and sends it, or shows it as it was left.
   */
  async leaveInOutbox(
    room: string,
    text: string,
    refused?: { code: string; message: string },
  ): Promise<void> {
    await this.page.evaluate(
      ({ room, text, refused }) => {
        const clientId = `left-${Date.now()}`;
        const entry = {
          clientId,
          room,
          text,
          createdAt: new Date().toISOString(),
          state: refused ? "failed" : "pending",
          ...(refused ? { error: refused } : {}),
        };
        localStorage.setItem(`scrollback:outbox:v2:${room}:${clientId}`, JSON.stringify(entry));
      },
      { room, text, refused },
    );
    await this.page.reload();
    await this.expectConnected();
  }

  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press("Enter");
  }

  /** The texts of the messages shown, top to bottom. */
  async texts(): Promise<string[]> {
    return this.messages().locator("p").allTextContents();
  }

  /** This person's display name, as the header shows it. */
  async name(): Promise<string> {
    const name = this.page.getByTestId("my-name");
    await expect(name).not.toHaveText("…");
    return (await name.textContent()) ?? "";
  }

  /** The line that says who else is typing. */
  typingLine(): Locator {
    return this.page.getByText(/ (is|are) typing…$/);
  }

  /** Scrolls the message log by this many pixels (negative: up), as a mouse wheel would. */
  async scrollLogBy(pixels: number): Promise<void> {
    await this.log.evaluate((element, by) => {
      element.scrollTop += by;
    }, pixels);
  }

  /**
   * Puts the tab in the background or brings it back, as switching tabs does.
   * Headless Chromium reports every page as visible, so the page is told the
   * way the browser tells it: `visibilityState` and a `visibilitychange` event.
   */
  async setVisible(visible: boolean): Promise<void> {
    await this.page.evaluate(
      (state) => {
        Object.defineProperty(document, "visibilityState", {
          configurable: true,
          get: () => state,
        });
        Object.defineProperty(document, "hidden", {
          configurable: true,
          get: () => state === "hidden",
        });
        document.dispatchEvent(new Event("visibilitychange"));
      },
      visible ? "visible" : "hidden",
    );
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
