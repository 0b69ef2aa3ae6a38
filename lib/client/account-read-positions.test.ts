import { io } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newTestAccount, signUp } from "../server/testing/accounts";
import { ChatTestServer, eventually, seedMessages } from "../server/testing/chat-test-server";
import type { ReadMarked, SessionInfo } from "../shared/protocol";
import { AccountReadPositions, followSessionReads } from "./account-read-positions";
import { memoryBrowserReads, memoryReadPositions, SwitchableReadPositions } from "./read-positions";
import type { ChatClientSocket } from "./transport";

/**
 * The client's side of an account's read positions, against the real server:
 * each "device" is a socket with the account's cookie and its own
 * AccountReadPositions, as two browsers would have.
 */
let server: ChatTestServer;
let cookie: string;
let chatUserId: string;
const sockets: ChatClientSocket[] = [];
const stores: AccountReadPositions[] = [];

beforeEach(async () => {
  server = await ChatTestServer.start();
  ({ cookie, chatUserId } = await signUp(server, newTestAccount("Ana")));
  await seedMessages(server.store, "general", 30);
});

afterEach(async () => {
  for (const store of stores.splice(0)) store.unbind();
  for (const socket of sockets.splice(0)) socket.disconnect();
  await server.dispose();
});

function openSocket(signedIn = true): ChatClientSocket {
  const socket: ChatClientSocket = io(server.url, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: signedIn ? { cookie } : {},
  });
  sockets.push(socket);
  return socket;
}

/** A device: a signed-in socket, and positions bound to it. */
function device(markIntervalMs = 50): {
  socket: ChatClientSocket;
  positions: AccountReadPositions;
} {
  const socket = openSocket();
  const positions = new AccountReadPositions(chatUserId, { markIntervalMs, retryDelayMs: 50 });
  stores.push(positions);
  positions.bind(socket);
  return { socket, positions };
}

const storedPositions = () => server.store.reads.positions(chatUserId);

describe("AccountReadPositions", () => {
  it("is not ready until the server's positions have come, then holds them", async () => {
    await server.store.reads.mark(chatUserId, "general", 12);
    const { positions } = device();
    expect(positions.ready()).toBe(false);
    await eventually(() => expect(positions.ready()).toBe(true));
    expect(Object.fromEntries(positions.snapshot())).toEqual({ general: 12 });
  });

  it("shows a mark at once, stores it, and the other device moves forward with it", async () => {
    const laptop = device();
    const phone = device();
    await eventually(() => expect(laptop.positions.ready() && phone.positions.ready()).toBe(true));
    let phoneChanges = 0;
    phone.positions.subscribe(() => phoneChanges++);

    laptop.positions.markRead("general", 7);
    expect(laptop.positions.snapshot().get("general")).toBe(7);
    await eventually(async () => expect(await storedPositions()).toEqual({ general: 7 }));
    await eventually(() => expect(phone.positions.snapshot().get("general")).toBe(7));
    expect(phoneChanges).toBe(1);

    // The phone was behind: its older mark moves nothing anywhere.
    phone.positions.markRead("general", 5);
    expect(phone.positions.snapshot().get("general")).toBe(7);
  });

  it("sends a run of marks as a few, the last one among them", async () => {
    const laptop = device(300);
    const phone = device();
    await eventually(() => expect(laptop.positions.ready() && phone.positions.ready()).toBe(true));
    const heard: ReadMarked[] = [];
    phone.socket.on("read:marked", (marked) => heard.push(marked));

    for (let seq = 1; seq <= 20; seq++) laptop.positions.markRead("general", seq);
    await eventually(() => expect(heard.at(-1)).toEqual({ room: "general", seq: 20 }));
    expect(heard.length).toBeLessThanOrEqual(2);
  });

  it("sends the marks made while disconnected once connected again", async () => {
    const laptop = device();
    const phone = device();
    await eventually(() => expect(laptop.positions.ready() && phone.positions.ready()).toBe(true));
    laptop.socket.disconnect();
    laptop.positions.markRead("general", 9);
    laptop.positions.markRead("random", 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await storedPositions()).toEqual({});

    laptop.socket.connect();
    await eventually(async () =>
      expect(await storedPositions()).toEqual({ general: 9, random: 0 }),
    );
    await eventually(() =>
      expect(Object.fromEntries(phone.positions.snapshot())).toEqual({ general: 9, random: 0 }),
    );
  });

  it("carries its positions and unsent marks to the page's next socket", async () => {
    const first = device();
    await eventually(() => expect(first.positions.ready()).toBe(true));
    first.socket.disconnect();
    first.positions.markRead("general", 4);

    const next = openSocket();
    first.positions.bind(next);
    await eventually(async () => expect(await storedPositions()).toEqual({ general: 4 }));
    expect(first.positions.snapshot().get("general")).toBe(4);
  });
});

describe("followSessionReads", () => {
  it("switches the page to the account's positions for a signed-in session", async () => {
    await server.store.reads.mark(chatUserId, "general", 3);
    const browser = memoryBrowserReads();
    const page = new SwitchableReadPositions(browser.positions);
    followSessionReads(openSocket(), page, browser);
    await eventually(() => expect(page.current).toBeInstanceOf(AccountReadPositions));
    await eventually(() => expect(page.snapshot().get("general")).toBe(3));
    (page.current as AccountReadPositions).unbind();
  });

  it("leaves a guest's page on the browser's positions, and notes whose they are", async () => {
    const browser = memoryBrowserReads();
    const page = new SwitchableReadPositions(memoryReadPositions());
    const socket = openSocket(false);
    const session = new Promise<SessionInfo>((resolve) => socket.once("session", resolve));
    followSessionReads(socket, page, browser);
    const guest = await session;
    expect(page.current).toBe(browser.positions);
    expect(page.ready()).toBe(true);
    expect(browser.owner()).toBe(guest.user.id);
  });

  it("carries a guest's positions to the account they sign up for, once", async () => {
    const guestCookie = await server.issueIdentityCookie();
    const browser = memoryBrowserReads();
    const page = new SwitchableReadPositions(browser.positions);
    const asGuest = io(server.url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: guestCookie },
    });
    sockets.push(asGuest);
    const guestSession = new Promise<SessionInfo>((resolve) => asGuest.once("session", resolve));
    followSessionReads(asGuest, page, browser);
    const guest = (await guestSession).user;
    page.markRead("general", 8);
    page.markRead("quiet", 0);
    asGuest.disconnect();

    const upgraded = await signUp(server, newTestAccount("Guest"), { guestCookie });
    expect(upgraded.chatUserId).toBe(guest.id);
    const signedIn = io(server.url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: upgraded.cookie },
    });
    sockets.push(signedIn);
    followSessionReads(signedIn, page, browser);
    await eventually(async () =>
      expect(await server.store.reads.positions(guest.id)).toEqual({ general: 8, quiet: 0 }),
    );
    expect(browser.owner()).toBeNull();
    (page.current as AccountReadPositions).unbind();
  });

  it("carries nothing to an account someone else signs in to on this browser", async () => {
    const browser = memoryBrowserReads();
    browser.positions.markRead("general", 8);
    browser.own("some-guest");
    const page = new SwitchableReadPositions(browser.positions);
    followSessionReads(openSocket(), page, browser);
    await eventually(() => expect(page.current).toBeInstanceOf(AccountReadPositions));
    await eventually(() => expect(page.ready()).toBe(true));
    expect(page.snapshot().has("general")).toBe(false);
    expect(await storedPositions()).toEqual({});
    expect(browser.owner()).toBe("some-guest");
    (page.current as AccountReadPositions).unbind();
  });
});
