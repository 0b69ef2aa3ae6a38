import { io } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatTestServer, eventually, request, settle } from "../server/testing/chat-test-server";
import { RoomActivity, type RoomActivityOptions } from "./room-activity";
import type { ChatClientSocket } from "./room-client";

const ROOM = "general";

let server: ChatTestServer;
const sockets: ChatClientSocket[] = [];
const activities: RoomActivity[] = [];

beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  for (const activity of activities.splice(0)) activity.stop();
  for (const socket of sockets.splice(0)) socket.disconnect();
  await server.dispose();
});

type Tab = { activity: RoomActivity; socket: ChatClientSocket; starts: () => number };

/** A tab's activity over a joined socket, and how many `typing:start` the server got from it. */
async function openTab(name: string, options: RoomActivityOptions = {}): Promise<Tab> {
  const socket: ChatClientSocket = io(server.url, {
    transports: ["websocket"],
    forceNew: true,
    autoConnect: false,
    auth: { name },
  });
  const activity = new RoomActivity(socket, ROOM, options);
  activity.start();
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.connect();
  await connected;
  sockets.push(socket);
  activities.push(activity);
  let starts = 0;
  // The client's socket id is the server-side socket's id.
  server.io
    .of("/")
    .sockets.get(socket.id ?? "")
    ?.use(([event], next) => {
      if (event === "typing:start") starts++;
      next();
    });
  const joined = await request(socket, "room:join", { room: ROOM });
  if (!joined.ok) throw new Error(joined.error.message);
  await eventually(() => expect(activity.getSnapshot().listed).toBe(true));
  return { activity, socket, starts: () => starts };
}

const online = (tab: Tab) => tab.activity.getSnapshot().online.people.map((u) => u.name);
const typing = (tab: Tab) => tab.activity.getSnapshot().typing.map((u) => u.name);

describe("RoomActivity", () => {
  it("shows who is online, yourself first, and who leaves", async () => {
    const ana = await openTab("Ana");
    const bea = await openTab("Bea");
    await eventually(() => expect(online(ana)).toEqual(["Ana", "Bea"]));
    await eventually(() => expect(online(bea)).toEqual(["Bea", "Ana"]));
    expect(ana.activity.getSnapshot().online.count).toBe(2);

    bea.socket.disconnect();
    await eventually(() => expect(online(ana)).toEqual(["Ana"]));
  });

  it("tells the others once per refresh interval while typing, and clears them when it stops", async () => {
    const ana = await openTab("Ana");
    const bea = await openTab("Bea");
    for (let i = 0; i < 10; i++) ana.activity.typing();
    await eventually(() => expect(typing(bea)).toEqual(["Ana"]));
    await settle(ana.socket);
    expect(ana.starts()).toBe(1);
    expect(typing(ana)).toEqual([]);

    ana.activity.stopTyping();
    await eventually(() => expect(typing(bea)).toEqual([]));
  });

  it("clears a typist when their message arrives", async () => {
    const ana = await openTab("Ana");
    const bea = await openTab("Bea");
    ana.activity.typing();
    await eventually(() => expect(typing(bea)).toEqual(["Ana"]));
    await request(ana.socket, "message:send", { room: ROOM, text: "hi", clientId: "c1" });
    await eventually(() => expect(typing(bea)).toEqual([]));
  });

  it("forgets a typist who goes silent, by itself", async () => {
    const ana = await openTab("Ana");
    const bea = await openTab("Bea", { typingExpiryMs: 300 });
    const caio = await openTab("Caio", { typingExpiryMs: 300 });
    ana.activity.typing();
    caio.activity.typing();
    await eventually(() => expect(typing(bea)).toEqual(["Ana", "Caio"]));
    // Neither sends anything more, and neither disconnects.
    await eventually(() => expect(typing(bea)).toEqual([]), 5_000);
  });

  it("says nothing until the room's list has come, the sign that it has joined", async () => {
    const bea = await openTab("Bea");
    const socket: ChatClientSocket = io(server.url, {
      transports: ["websocket"],
      forceNew: true,
      auth: { name: "Early" },
    });
    sockets.push(socket);
    const early = new RoomActivity(socket, ROOM);
    activities.push(early);
    early.start();
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    // Typed before joining: the server would drop it.
    early.typing();
    await request(socket, "room:join", { room: ROOM });
    await eventually(() => expect(early.getSnapshot().listed).toBe(true));
    // Had the early notice counted as sent, the interval would hold this one back.
    early.typing();
    await eventually(() => expect(typing(bea)).toEqual(["Early"]));
  });

  it("forgets who was typing when its own connection drops", async () => {
    const ana = await openTab("Ana");
    const bea = await openTab("Bea");
    ana.activity.typing();
    await eventually(() => expect(typing(bea)).toEqual(["Ana"]));
    bea.socket.disconnect();
    expect(typing(bea)).toEqual([]);
  });
});
