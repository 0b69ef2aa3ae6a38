import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import type { PresenceChange, PresenceList, SessionInfo } from "../../shared/protocol";
import { SqliteStore } from "../store/sqlite-store";
import { ChatTestServer, eventually, request } from "../testing/chat-test-server";
import { type ClusterNode, InProcessCluster } from "../testing/in-process-cluster";
import { TEST_REDIS_URL } from "../testing/redis-process";

const ROOM = "lobby";
/** Short, so that tests wait little for each window; the production window is longer. */
const FAST = { flushDelayMs: 20 };

let cluster: InProcessCluster;
beforeEach(() => {
  cluster = new InProcessCluster();
});
afterEach(async () => {
  await cluster.dispose();
});

type Person = {
  socket: ChatClientSocket;
  session: SessionInfo;
  lists: PresenceList[];
  changes: PresenceChange[];
};

/** A connection that records every presence event it receives, then joins the room. */
async function enter(
  node: Pick<ClusterNode, "connect">,
  options: { name?: string; token?: string; room?: string } = {},
): Promise<Person> {
  const auth = options.token ? { token: options.token } : { name: options.name ?? "Someone" };
  const { socket, session } = await node.connect({ auth });
  const person: Person = { socket, session, lists: [], changes: [] };
  socket.on("presence:listed", (list) => person.lists.push(list));
  socket.on("presence:changed", (change) => person.changes.push(change));
  const joined = await request(socket, "room:join", { room: options.room ?? ROOM });
  if (!joined.ok) throw new Error(joined.error.message);
  return person;
}

/** What a client makes of the events it received: who is online, by id → name. */
function seenOnline(person: Person): Map<string, string> {
  const list = person.lists.at(-1);
  const online = new Map((list?.users ?? []).map((u) => [u.id, u.name]));
  for (const change of person.changes) {
    for (const user of change.online) online.set(user.id, user.name);
    for (const id of change.offline) online.delete(id);
  }
  return online;
}

const mentions = (person: Person, userId: string) =>
  person.changes.filter((c) => c.online.some((u) => u.id === userId) || c.offline.includes(userId))
    .length;

function disconnected(socket: ChatClientSocket): Promise<void> {
  return new Promise((resolve) => {
    socket.once("disconnect", () => resolve());
    socket.disconnect();
  });
}

describe("presence on one instance", () => {
  it("lists who is online to a joiner, itself included, and tells the room who came", async () => {
    const node = await cluster.addNode(FAST);
    const ana = await enter(node, { name: "Ana" });
    await eventually(() => expect(ana.lists).toHaveLength(1));
    expect(ana.lists[0]).toEqual({
      room: ROOM,
      users: [ana.session.user],
      count: 1,
    });

    const bea = await enter(node, { name: "Bea" });
    await eventually(() => expect(bea.lists).toHaveLength(1));
    expect(bea.lists[0]).toEqual({
      room: ROOM,
      users: [ana.session.user, bea.session.user],
      count: 2,
    });
    await eventually(() => expect([...seenOnline(ana).values()].sort()).toEqual(["Ana", "Bea"]));
  });

  it("counts a person once however many connections they have, until the last one leaves", async () => {
    const node = await cluster.addNode(FAST);
    const ana = await enter(node, { name: "Ana" });
    const bea1 = await enter(node, { name: "Bea" });
    await eventually(() => expect(seenOnline(ana).has(bea1.session.user.id)).toBe(true));
    const beaId = bea1.session.user.id;
    expect(mentions(ana, beaId)).toBe(1);

    const bea2 = await enter(node, { token: bea1.session.token });
    expect(bea2.session.user.id).toBe(beaId);
    await eventually(() => expect(bea2.lists).toHaveLength(1));
    expect(bea2.lists[0]?.users.filter((u) => u.id === beaId)).toHaveLength(1);
    expect(bea2.lists[0]?.count).toBe(2);

    // One tab closes: Bea is still here, so nobody hears of it. A later
    // arrival's announcement proves the window that held the close has gone out.
    await disconnected(bea1.socket);
    const caio = await enter(node, { name: "Caio" });
    await eventually(() => expect(seenOnline(ana).has(caio.session.user.id)).toBe(true));
    expect(mentions(ana, beaId)).toBe(1);
    expect(seenOnline(ana).has(beaId)).toBe(true);

    await disconnected(bea2.socket);
    await eventually(() => expect(seenOnline(ana).has(beaId)).toBe(false));
    expect(ana.changes.at(-1)).toEqual({ room: ROOM, online: [], offline: [beaId] });
  });

  it("announces someone who leaves the room but stays connected", async () => {
    const node = await cluster.addNode(FAST);
    const ana = await enter(node, { name: "Ana" });
    const bea = await enter(node, { name: "Bea" });
    await eventually(() => expect(seenOnline(ana).size).toBe(2));
    await request(bea.socket, "room:leave", { room: ROOM });
    await eventually(() => expect(seenOnline(ana).has(bea.session.user.id)).toBe(false));
  });

  it("gathers a burst of joins into few broadcasts, and lists the room to each joiner once", async () => {
    const node = await cluster.addNode({ flushDelayMs: 200 });
    const ana = await enter(node, { name: "Ana" });
    await eventually(() => expect(ana.lists).toHaveLength(1));
    const crowd = await Promise.all(
      Array.from({ length: 20 }, (_, i) => enter(node, { name: `Guest ${i + 1}` })),
    );
    await eventually(() => expect(seenOnline(ana).size).toBe(21));
    // Twenty arrivals, one or two windows: far fewer events than people.
    expect(ana.changes.length).toBeLessThanOrEqual(3);
    for (const guest of crowd) {
      await eventually(() => expect(guest.lists).toHaveLength(1));
      expect(guest.lists[0]?.users.some((u) => u.id === guest.session.user.id)).toBe(true);
    }
  });

  it("names at most maxListed people in a list, and still counts everyone", async () => {
    const node = await cluster.addNode({ ...FAST, maxListed: 3 });
    for (const name of ["Eve", "Dan", "Caio", "Bea"]) await enter(node, { name });
    const ana = await enter(node, { name: "Ana" });
    await eventually(() => expect(ana.lists).toHaveLength(1));
    expect(ana.lists[0]?.count).toBe(5);
    expect(ana.lists[0]?.users.map((u) => u.name)).toEqual(["Ana", "Bea", "Caio"]);
  });

  it("in a room larger than a list names, counts newcomers instead of naming them to everyone", async () => {
    const node = await cluster.addNode({ ...FAST, maxListed: 3 });
    const ana = await enter(node, { name: "Ana" });
    for (const name of ["Bea", "Caio"]) await enter(node, { name });
    await eventually(() => expect(seenOnline(ana).size).toBe(3));
    const before = ana.changes.length;

    const dan = await enter(node, { name: "Dan" });
    const eve = await enter(node, { name: "Eve" });
    await eventually(() => expect(eve.lists).toHaveLength(1));
    await eventually(() =>
      expect(ana.changes.slice(before).reduce((n, c) => n + (c.arrivals ?? 0), 0)).toBe(2),
    );
    expect(ana.changes.slice(before).flatMap((c) => c.online)).toEqual([]);

    // Departures are still named: whoever was listed can be taken off.
    await disconnected(dan.socket);
    await eventually(() =>
      expect(ana.changes.flatMap((c) => c.offline)).toContain(dan.session.user.id),
    );
  });

  it("tells the room when someone in it changes their name", async () => {
    const node = await cluster.addNode(FAST);
    const ana = await enter(node, { name: "Ana" });
    const bea = await enter(node, { name: "Bea" });
    await eventually(() => expect(seenOnline(ana).get(bea.session.user.id)).toBe("Bea"));
    const renamed = await request(bea.socket, "user:rename", { name: "Beatriz" });
    expect(renamed.ok).toBe(true);
    await eventually(() => expect(seenOnline(ana).get(bea.session.user.id)).toBe("Beatriz"));
  });

  it("does not tell other rooms, or list a room to those who joined another", async () => {
    const node = await cluster.addNode(FAST);
    const elsewhere = await enter(node, { name: "Zoe", room: "elsewhere" });
    await eventually(() => expect(elsewhere.lists).toHaveLength(1));
    const ana = await enter(node, { name: "Ana" });
    await eventually(() => expect(ana.lists).toHaveLength(1));
    expect(ana.lists[0]?.users.map((u) => u.name)).toEqual(["Ana"]);
    await enter(node, { name: "Bea" });
    await eventually(() => expect(seenOnline(ana).size).toBe(2));
    expect(elsewhere.changes.every((c) => c.room === "elsewhere")).toBe(true);
    expect(seenOnline(elsewhere).size).toBe(1);
  });

  it("counts the people online per room for the landing page", async () => {
    const node = await cluster.addNode(FAST);
    const bea = await enter(node, { name: "Bea" });
    await enter(node, { token: bea.session.token });
    await enter(node, { name: "Ana" });
    await enter(node, { name: "Zoe", room: "elsewhere" });
    const counts = await node.app.presence.onlineCounts([ROOM, "elsewhere", "empty"]);
    expect(Object.fromEntries(counts)).toEqual({ [ROOM]: 2, elsewhere: 1, empty: 0 });
  });
});

describe("presence across instances", () => {
  it("does not guess while the cluster cannot say where someone is connected, and announces them once it can", async () => {
    const one = await cluster.addNode(FAST);
    await cluster.addNode(FAST);
    const ana = await enter(one, { name: "Ana" });
    const bea = await enter(one, { name: "Bea" });
    await eventually(() => expect(seenOnline(ana).size).toBe(2));

    cluster.lookupsFail = true;
    await disconnected(bea.socket);
    // Newcomers still get a list (this instance's view) while the cluster is silent.
    const caio = await enter(one, { name: "Caio" });
    await eventually(() => expect(caio.lists).toHaveLength(1));
    expect(seenOnline(ana).has(bea.session.user.id)).toBe(true);

    cluster.lookupsFail = false;
    await eventually(() => expect(seenOnline(ana).has(bea.session.user.id)).toBe(false));
  });

  it("shows people connected to other instances, once each, and only drops them when their last connection anywhere leaves", async () => {
    const one = await cluster.addNode(FAST);
    const two = await cluster.addNode(FAST);
    const ana = await enter(one, { name: "Ana" });
    const beaOnTwo = await enter(two, { name: "Bea" });
    const beaId = beaOnTwo.session.user.id;

    await eventually(() => expect(seenOnline(ana).get(beaId)).toBe("Bea"));
    await eventually(() => expect(beaOnTwo.lists).toHaveLength(1));
    expect(beaOnTwo.lists[0]?.count).toBe(2);

    // Bea's second tab lands on the first instance.
    const beaOnOne = await enter(one, { token: beaOnTwo.session.token });
    await eventually(() => expect(beaOnOne.lists).toHaveLength(1));
    expect(beaOnOne.lists[0]?.users.filter((u) => u.id === beaId)).toHaveLength(1);
    expect(beaOnOne.lists[0]?.count).toBe(2);
    expect(Object.fromEntries(await one.app.presence.onlineCounts([ROOM]))).toEqual({
      [ROOM]: 2,
    });

    await disconnected(beaOnTwo.socket);
    const caio = await enter(two, { name: "Caio" });
    await eventually(() => expect(seenOnline(ana).has(caio.session.user.id)).toBe(true));
    expect(seenOnline(ana).has(beaId)).toBe(true);

    await disconnected(beaOnOne.socket);
    await eventually(() => expect(seenOnline(ana).has(beaId)).toBe(false));
    await eventually(() => expect(seenOnline(caio).has(beaId)).toBe(false));
  });

  it("carries a rename to the person's connections on every instance: what they send next bears the new name", async () => {
    const one = await cluster.addNode(FAST);
    const two = await cluster.addNode(FAST);
    const anaOnOne = await enter(one, { name: "Ana" });
    const anaOnTwo = await enter(two, { token: anaOnOne.session.token });
    const sessionsOnTwo: SessionInfo[] = [];
    anaOnTwo.socket.on("session", (session) => sessionsOnTwo.push(session));

    const renamed = await request(anaOnOne.socket, "user:rename", { name: "Ana Souza" });
    expect(renamed).toMatchObject({ ok: true, user: { name: "Ana Souza" } });
    await eventually(() => expect(sessionsOnTwo.at(-1)?.user.name).toBe("Ana Souza"));

    const sent = await request(anaOnTwo.socket, "message:send", {
      room: ROOM,
      text: "hi",
      clientId: "after-rename",
    });
    expect(sent).toMatchObject({ ok: true, message: { author: { name: "Ana Souza" } } });
  });

  it("lets two tabs on two instances close at the same moment and still announces the person offline", async () => {
    const one = await cluster.addNode(FAST);
    const two = await cluster.addNode(FAST);
    const ana = await enter(one, { name: "Ana" });
    const bea1 = await enter(one, { name: "Bea" });
    const bea2 = await enter(two, { token: bea1.session.token });
    await eventually(() => expect(bea2.lists).toHaveLength(1));
    await eventually(() => expect(seenOnline(ana).size).toBe(2));

    await Promise.all([disconnected(bea1.socket), disconnected(bea2.socket)]);
    await eventually(() => expect(seenOnline(ana).has(bea1.session.user.id)).toBe(false));
  });
});

describe("presence across instances over Redis", () => {
  const servers: ChatTestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.dispose()));
  });

  /** Two instances of one deployment: one SQLite file between them, one Redis prefix. */
  async function twoInstances(): Promise<[ChatTestServer, ChatTestServer]> {
    const prefix = `test-${randomBytes(4).toString("hex")}`;
    const options = { redisUrl: TEST_REDIS_URL, redisPrefix: prefix };
    const a = await ChatTestServer.start(options);
    servers.push(a);
    const b = await ChatTestServer.start({
      ...options,
      openStore: () => new SqliteStore(a.dbPath),
    });
    servers.push(b);
    await eventually(() => {
      expect(a.app.redis?.isReady()).toBe(true);
      expect(b.app.redis?.isReady()).toBe(true);
    });
    return [a, b];
  }

  it("shows a rename made on one instance in the rooms where the person is connected only through another", async () => {
    const [a, b] = await twoInstances();
    const anaOnA = await enter(a, { name: "Ana", room: "elsewhere" });
    // Ana's other tab, on B, is the only one of hers in the lobby; Bea watches it there.
    const anaOnB = await enter(b, { token: anaOnA.session.token });
    const bea = await enter(b, { name: "Bea" });
    const anaId = anaOnA.session.user.id;
    await eventually(() => expect(seenOnline(bea).get(anaId)).toBe("Ana"));

    const renamed = await request(anaOnA.socket, "user:rename", { name: "Ana Souza" });
    expect(renamed).toMatchObject({ ok: true, user: { name: "Ana Souza" } });
    await eventually(() => expect(seenOnline(bea).get(anaId)).toBe("Ana Souza"));
    expect(seenOnline(anaOnB).get(anaId)).toBe("Ana Souza");
  }, 30_000);
});
