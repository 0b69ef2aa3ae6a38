import { io } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatTestServer, eventually, request } from "../server/testing/chat-test-server";
import { LinkRelay } from "../server/testing/link-relay";
import type { RoomVisibility, User } from "../shared/protocol";
import { memoryOutboxStorage } from "./outbox";
import { type ChatClientSocket, RoomClient, type RoomClientOptions } from "./room-client";

// The room client against a real server: membership changes are changes of
// the room like messages (their revs leave no gap, so no needless replay),
// and a room the person lost ends on the page with nothing of it kept.

const ROOM = "lab";
const FAST: RoomClientOptions = { requestTimeoutMs: 2_000, retryDelayMs: 100 };
const WAIT_MS = 15_000;

let server: ChatTestServer;
let relay: LinkRelay;
const sockets: ChatClientSocket[] = [];
const clients: RoomClient[] = [];
/** `changes:after` requests the server received, by room. */
let replays: string[] = [];

beforeEach(async () => {
  server = await ChatTestServer.start();
  relay = await LinkRelay.start(server.port);
  replays = [];
  server.io.on("connection", (socket) => {
    socket.use(([event, payload], next) => {
      if (event === "changes:after") replays.push((payload as { room: string }).room);
      next();
    });
  });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.stop();
  for (const socket of sockets.splice(0)) socket.disconnect();
  await relay.close();
  await server.dispose();
});

type Person = { socket: ChatClientSocket; user: User };

/** Someone on a socket of their own (no room client), for making and moderating rooms. */
async function person(name: string): Promise<Person> {
  const { socket, session } = await server.connect({ auth: { name } });
  return { socket, user: session.user };
}

async function makeRoom(owner: Person, visibility: Exclude<RoomVisibility, "direct">) {
  const made = await request(owner.socket, "room:create", { room: ROOM, visibility });
  expect(made.ok).toBe(true);
  const joined = await request(owner.socket, "room:join", { room: ROOM });
  expect(joined.ok).toBe(true);
}

type Tab = { client: RoomClient; user: () => User };

/** A browser tab's room client through the relay, its identity a bot token. */
async function openTab(name: string): Promise<Tab> {
  let token: string | undefined;
  let user: User | null = null;
  const socket: ChatClientSocket = io(relay.url, {
    transports: ["websocket"],
    forceNew: true,
    autoConnect: false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 250,
    auth: (send) => send(token ? { token } : { name }),
  });
  socket.on("session", (session) => {
    token = session.token;
    user = session.user;
  });
  const client = new RoomClient(socket, ROOM, memoryOutboxStorage(), FAST);
  client.start();
  socket.connect();
  sockets.push(socket);
  clients.push(client);
  await eventually(() => expect(user).not.toBeNull(), WAIT_MS);
  return {
    client,
    user: () => {
      if (!user) throw new Error("no session yet");
      return user;
    },
  };
}

/** A tab that has joined the room. */
async function joinedTab(name: string): Promise<Tab> {
  const tab = await openTab(name);
  await eventually(() => expect(tab.client.getSnapshot().joined).toBe(true), WAIT_MS);
  return tab;
}

describe("membership changes in the rev sequence", () => {
  it("keeps the room's info and own membership from the join, and takes others' joins without a replay", async () => {
    const owner = await person("Owner");
    await makeRoom(owner, "public");
    await request(owner.socket, "room:update", { room: ROOM, topic: "Bench work" });
    const ana = await joinedTab("Ana");
    expect(ana.client.getSnapshot().info).toMatchObject({
      name: ROOM,
      visibility: "public",
      topic: "Bench work",
      ownerId: owner.user.id,
    });
    await eventually(() =>
      expect(ana.client.getSnapshot().membership).toEqual({ role: "member", mutedUntil: null }),
    );

    const bob = await person("Bob");
    const bobJoined = await request(bob.socket, "room:join", { room: ROOM });
    expect(bobJoined.ok).toBe(true);
    const sent = await request(bob.socket, "message:send", {
      room: ROOM,
      text: "after my join",
      clientId: "bob-1",
    });
    if (!sent.ok) throw new Error(sent.error.message);
    await eventually(() => {
      expect(ana.client.getSnapshot().shown.map((m) => m.text)).toContain("after my join");
      expect(ana.client.contiguousRev).toBe(sent.message.rev);
    }, WAIT_MS);
    // Bob's join came live, the rev before his message: nothing was missing.
    expect(ana.client.getSnapshot().membersRev).toBe(sent.message.rev - 1);
    expect(replays).toEqual([]);
  });

  it("replays membership changes made while away, with the messages, to the room's latest rev", async () => {
    const owner = await person("Owner");
    await makeRoom(owner, "public");
    const ana = await joinedTab("Ana");
    relay.cut();
    await eventually(() => expect(ana.client.getSnapshot().joined).toBe(false), WAIT_MS);
    const bob = await person("Bob");
    await request(bob.socket, "room:join", { room: ROOM });
    await request(owner.socket, "member:mute", { room: ROOM, userId: ana.user().id, minutes: 5 });
    const sent = await request(owner.socket, "message:send", {
      room: ROOM,
      text: "while you were away",
      clientId: "o-1",
    });
    if (!sent.ok) throw new Error(sent.error.message);
    relay.restore();
    await eventually(() => {
      const snapshot = ana.client.getSnapshot();
      expect(snapshot.shown.map((m) => m.text)).toContain("while you were away");
      expect(ana.client.contiguousRev).toBe(sent.message.rev);
      // Her own mute, learnt from the replay or the rejoin's answer.
      expect(snapshot.membership?.mutedUntil).not.toBeNull();
    }, WAIT_MS);
  });
});

describe("the person's own standing", () => {
  it("a mute reaches the muted person's membership, and so does its end", async () => {
    const owner = await person("Owner");
    await makeRoom(owner, "public");
    const ana = await joinedTab("Ana");
    await eventually(() => expect(ana.client.getSnapshot().membership).not.toBeNull());
    const muted = await request(owner.socket, "member:mute", {
      room: ROOM,
      userId: ana.user().id,
      minutes: 10,
    });
    expect(muted.ok).toBe(true);
    await eventually(() =>
      expect(ana.client.getSnapshot().membership?.mutedUntil).toEqual(expect.any(String)),
    );
    const unmuted = await request(owner.socket, "member:unmute", {
      room: ROOM,
      userId: ana.user().id,
    });
    expect(unmuted).toMatchObject({ ok: true, change: { kind: "unmuted", mutedUntil: null } });
    await eventually(() =>
      expect(ana.client.getSnapshot().membership).toEqual({ role: "member", mutedUntil: null }),
    );
  });
});

describe("the end of a room for the person", () => {
  it("added while refused, the tab opens the room; kicked, it ends and keeps no message", async () => {
    const owner = await person("Owner");
    await makeRoom(owner, "private");
    await request(owner.socket, "message:send", { room: ROOM, text: "secret", clientId: "s-1" });
    const ana = await openTab("Ana");
    await eventually(() => expect(ana.client.getSnapshot().ended?.kind).toBe("not-member"));
    expect(ana.client.getSnapshot().shown).toEqual([]);

    const added = await request(owner.socket, "member:add", { room: ROOM, userId: ana.user().id });
    expect(added.ok).toBe(true);
    await eventually(() => {
      const snapshot = ana.client.getSnapshot();
      expect(snapshot.ended).toBeNull();
      expect(snapshot.shown.map((m) => m.text)).toEqual(["secret"]);
      expect(snapshot.membership).toEqual({ role: "member", mutedUntil: null });
    }, WAIT_MS);

    const kicked = await request(owner.socket, "member:kick", {
      room: ROOM,
      userId: ana.user().id,
    });
    expect(kicked.ok).toBe(true);
    await eventually(() => {
      const snapshot = ana.client.getSnapshot();
      expect(snapshot.ended).toEqual({ kind: "removed", canJoinAgain: false });
      expect(snapshot.shown).toEqual([]);
      expect(snapshot.joined).toBe(false);
      expect(snapshot.membership).toBeNull();
    }, WAIT_MS);
  });

  it("never a member of a private room: refused, and told so", async () => {
    const owner = await person("Owner");
    await makeRoom(owner, "private");
    await request(owner.socket, "message:send", { room: ROOM, text: "secret", clientId: "s-1" });
    const outsider = await openTab("Outsider");
    await eventually(() =>
      expect(outsider.client.getSnapshot().ended).toEqual({
        kind: "not-member",
        reason: "You are not a member of this room.",
      }),
    );
    expect(outsider.client.getSnapshot().shown).toEqual([]);
  });

  it("the room deleted by its owner ends for the member's open tab", async () => {
    const owner = await person("Owner");
    await makeRoom(owner, "public");
    await request(owner.socket, "message:send", { room: ROOM, text: "soon gone", clientId: "g-1" });
    const ana = await joinedTab("Ana");
    await eventually(() =>
      expect(ana.client.getSnapshot().shown.map((m) => m.text)).toContain("soon gone"),
    );
    expect((await request(owner.socket, "room:delete", { room: ROOM })).ok).toBe(true);
    await eventually(() => {
      expect(ana.client.getSnapshot().ended).toEqual({ kind: "deleted" });
      expect(ana.client.getSnapshot().shown).toEqual([]);
    }, WAIT_MS);
  });

  it("kicked from a public room: may join again, and reads it afresh", async () => {
    const owner = await person("Owner");
    await makeRoom(owner, "public");
    await request(owner.socket, "message:send", { room: ROOM, text: "agenda", clientId: "a-1" });
    const ana = await joinedTab("Ana");
    await eventually(() => expect(ana.client.getSnapshot().membership).not.toBeNull());
    await request(owner.socket, "member:kick", { room: ROOM, userId: ana.user().id });
    await eventually(() =>
      expect(ana.client.getSnapshot().ended).toEqual({ kind: "removed", canJoinAgain: true }),
    );
    ana.client.joinAgain();
    await eventually(() => {
      const snapshot = ana.client.getSnapshot();
      expect(snapshot.ended).toBeNull();
      expect(snapshot.joined).toBe(true);
      expect(snapshot.shown.map((m) => m.text)).toEqual(["agenda"]);
      expect(snapshot.membership).toEqual({ role: "member", mutedUntil: null });
    }, WAIT_MS);
  });
});
