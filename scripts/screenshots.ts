// `npm run screenshots`: the README's pictures (docs/screenshot-*.png), taken of a
// real server and real browsers with a scripted conversation. Needs a current
// production build (`npm run build`).
import { chromium } from "@playwright/test";
import { io } from "socket.io-client";
import { AppServer } from "../e2e/support/app-server";
import { ChatBot } from "../e2e/support/bot";
import type { ChatClientSocket } from "../lib/client/room-client";
import { buildIsCurrent } from "./build-fingerprint.mjs";
import { findChromium } from "./find-browser.mjs";

const ROOM = "design-review";

if (!buildIsCurrent(process.cwd())) {
  console.error("The production build is missing or stale: run `npm run build` first.");
  process.exit(1);
}

const app = await AppServer.start();
const bots = new Map<string, ChatBot>();
const sockets: ChatClientSocket[] = [];
try {
  const browser = await chromium.launch({ executablePath: await findChromium() });
  const say = async (name: string, texts: string[]) => {
    let bot = bots.get(name);
    if (!bot) {
      bot = await ChatBot.join(app.url, ROOM, name);
      bots.set(name, bot);
    }
    await bot.say(texts);
  };
  await say("Ana Souza", [
    "Morning! The new scrolling is in: older messages load as you scroll up.",
  ]);
  await say("Ana Souza", ["And the place you were reading stays put while they load 🎯"]);
  await say("Bruno", ["Nice. Does it cope with a really long room?"]);
  await say("Ana Souza", [
    "It keeps a few hundred messages in the page and slides them as you go.\nTried it with 10,000: still smooth.",
  ]);

  // The reader has been here before and read up to this point.
  const reader = await browser.newContext({
    baseURL: app.url,
    viewport: { width: 1280, height: 760 },
    colorScheme: "dark",
  });
  const first = await reader.newPage();
  await first.goto(`/chat/${ROOM}`);
  await first.getByText("Tried it with 10,000").waitFor();
  await first.close();

  await say("Chloé", ["Checked the phone layout at 360 px: nothing spills sideways 📱"]);
  await say("Bruno", ["Release notes: https://example.org/scrollback/releases/0.2 (draft)"]);
  await say("Chloé", ["Dark mode follows the system too. 🌙"]);

  // Someone is typing while the pictures are taken.
  const typist: ChatClientSocket = io(app.url, {
    transports: ["websocket"],
    forceNew: true,
    auth: { name: "Dev" },
  });
  sockets.push(typist);
  await (
    typist.timeout(10_000) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<unknown>;
    }
  ).emitWithAck("room:join", { room: ROOM });
  const keepTyping = setInterval(() => typist.emit("typing:start", { room: ROOM }), 1_000);

  const phone = await browser.newContext({
    baseURL: app.url,
    viewport: { width: 360, height: 740 },
    colorScheme: "light",
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  for (const [file, context] of [
    ["docs/screenshot-desktop-dark.png", reader],
    ["docs/screenshot-phone-light.png", phone],
  ] as const) {
    const page = await context.newPage();
    await page.goto(`/chat/${ROOM}`);
    await page.getByRole("status").filter({ hasText: "Connected" }).waitFor();
    await page.getByText("is typing").waitFor();
    // Everyone is listed as online: the bots, the typist and this page.
    await page.waitForFunction(
      (people) => document.querySelectorAll('[aria-label="Online"] li').length >= people,
      bots.size + 2,
    );
    await page.getByRole("textbox", { name: "Message" }).fill("Looks great, shipping it");
    await page.screenshot({ path: file });
    console.log(`wrote ${file}`);
  }
  clearInterval(keepTyping);
  await browser.close();
} finally {
  for (const bot of bots.values()) bot.close();
  for (const socket of sockets) socket.disconnect();
  await app.dispose();
}
