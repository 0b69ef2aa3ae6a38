import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import type { SessionInfo, Typing } from "../../shared/protocol";
import {
  botTokenOf,
  ChatTestServer,
  eventually,
  rawEmit,
  request,
  settle,
} from "../testing/chat-test-server";
import { InProcessCluster } from "../testing/in-process-cluster";

const ROOM = "lobby";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

type Listener = { socket: ChatClientSocket; session: SessionInfo; events: string[] };

/** A connection that records typing events as "started Ana" / "stopped Ana". */
async function listener(
  auth: { name: string } | { token: string },
  room: string | null = ROOM,
): Promise<Listener> {
  const { socket, session } = await server.connect({ auth });
  const events: string[] = [];
  const record = (verb: string) => (typing: Typing) =>
    events.push(`${verb} ${typing.user.name} in ${typing.room}`);
  socket.on("typing:started", record("started"));
  socket.on("typing:stopped", record("stopped"));
  if (room) await request(socket, "room:join", { room });
  return { socket, session, events };
}

describe("typing", () => {
  it("relays start and stop to the others in the room, not to the typist's own tabs", async () => {
    const ana = await listener({ name: "Ana" });
    const anaOtherTab = await listener({ token: botTokenOf(ana.session) });
    const bea = await listener({ name: "Bea" });

    ana.socket.emit("typing:start", { room: ROOM });
    await eventually(() => expect(bea.events).toEqual([`started Ana in ${ROOM}`]));
    ana.socket.emit("typing:stop", { room: ROOM });
    await eventually(() =>
      expect(bea.events).toEqual([`started Ana in ${ROOM}`, `stopped Ana in ${ROOM}`]),
    );

    await settle(ana.socket);
    await settle(anaOtherTab.socket);
    expect(ana.events).toEqual([]);
    expect(anaOtherTab.events).toEqual([]);
  });

  it("relays nothing from a connection that has not joined the room, or to people elsewhere", async () => {
    const outsider = await listener({ name: "Out" }, null);
    const elsewhere = await listener({ name: "Zoe" }, "elsewhere");
    const bea = await listener({ name: "Bea" });
    const ana = await listener({ name: "Ana" });

    outsider.socket.emit("typing:start", { room: ROOM });
    ana.socket.emit("typing:start", { room: ROOM });
    await eventually(() => expect(bea.events).toEqual([`started Ana in ${ROOM}`]));
    await settle(elsewhere.socket);
    expect(elsewhere.events).toEqual([]);
  });

  it.each([
    ["no payload", []],
    ["a string", ["lobby"]],
    ["an invalid room", [{ room: "Not A Room" }]],
    ["a room of the wrong type", [{ room: 7 }]],
  ])("ignores %s and keeps the connection", async (_case, args) => {
    const ana = await listener({ name: "Ana" });
    const bea = await listener({ name: "Bea" });
    rawEmit(ana.socket, "typing:start", ...args);
    rawEmit(ana.socket, "typing:stop", ...args);
    await settle(ana.socket);
    await settle(bea.socket);
    expect(bea.events).toEqual([]);
    expect(ana.socket.connected).toBe(true);
  });

  it("relays a burst of starts from one connection once", async () => {
    const ana = await listener({ name: "Ana" });
    const bea = await listener({ name: "Bea" });
    for (let i = 0; i < 20; i++) ana.socket.emit("typing:start", { room: ROOM });
    await settle(ana.socket);
    // Bea's round trip is ordered after everything the server relayed to her before.
    await eventually(() => expect(bea.events.length).toBeGreaterThan(0));
    await settle(bea.socket);
    expect(bea.events).toEqual([`started Ana in ${ROOM}`]);
  });

  it("says a typist stopped when their connection closes", async () => {
    const ana = await listener({ name: "Ana" });
    const bea = await listener({ name: "Bea" });
    ana.socket.emit("typing:start", { room: ROOM });
    await eventually(() => expect(bea.events).toHaveLength(1));
    ana.socket.disconnect();
    await eventually(() =>
      expect(bea.events).toEqual([`started Ana in ${ROOM}`, `stopped Ana in ${ROOM}`]),
    );
  });

  it("stores nothing", async () => {
    const ana = await listener({ name: "Ana" });
    ana.socket.emit("typing:start", { room: ROOM });
    ana.socket.emit("typing:stop", { room: ROOM });
    await settle(ana.socket);
    expect(await server.store.rooms.latestSeq(ROOM)).toBe(0);
    expect(await server.store.rooms.recent(10)).toEqual([]);
  });
});

describe("typing across instances", () => {
  it("reaches people connected to another instance", async () => {
    const cluster = new InProcessCluster();
    try {
      const one = await cluster.addNode();
      const two = await cluster.addNode();
      const ana = await one.connect({ auth: { name: "Ana" } });
      const bea = await two.connect({ auth: { name: "Bea" } });
      const heard: string[] = [];
      bea.socket.on("typing:started", (t) => heard.push(t.user.name));
      await request(ana.socket, "room:join", { room: ROOM });
      await request(bea.socket, "room:join", { room: ROOM });
      ana.socket.emit("typing:start", { room: ROOM });
      await eventually(() => expect(heard).toEqual(["Ana"]));
    } finally {
      await cluster.dispose();
    }
  });
});
