import { afterEach, describe, expect, it } from "vitest";
import {
  ChatTestServer,
  type ChatTestServerOptions,
  eventually,
  settle,
} from "../testing/chat-test-server";
import { guest, member } from "../testing/room-people";

let server: ChatTestServer;
async function start(options: ChatTestServerOptions = {}) {
  server = await ChatTestServer.start(options);
  return server;
}
afterEach(async () => {
  await server?.dispose();
});

describe("room:create", () => {
  it("makes a private room whose creator is its owner and whose door is shut to others", async () => {
    await start();
    const ana = await guest(server, "Ana");
    const bea = await guest(server, "Bea");

    const made = await ana.must("room:create", {
      room: "plans",
      visibility: "private",
      topic: "  the secret plans  ",
    });

    expect(made.room).toMatchObject({
      name: "plans",
      visibility: "private",
      topic: "the secret plans",
      ownerId: ana.user.id,
    });
    const joined = await ana.must("room:join", { room: "plans" });
    expect(joined.info).toMatchObject({ name: "plans", visibility: "private" });
    expect(joined.membership).toEqual({ role: "owner", mutedUntil: null });
    expect(await bea.ask("room:join", { room: "plans" })).toEqual({
      ok: false,
      error: { code: "forbidden", message: "You are not a member of this room." },
    });
    expect(await bea.ask("history:before", { room: "plans", before: 100 })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });

  it("answers room_exists for a taken name, whatever made it", async () => {
    await start();
    const ana = await guest(server, "Ana");
    await ana.must("room:join", { room: "general" });
    await ana.must("message:send", { room: "general", text: "hi", clientId: "c1" });
    await ana.must("room:create", { room: "plans", visibility: "private" });

    for (const room of ["general", "plans"])
      expect(await ana.ask("room:create", { room, visibility: "public" })).toMatchObject({
        ok: false,
        error: { code: "room_exists" },
      });
  });

  it("with PUBLIC_ROOM_CREATION=members: guests may not make public rooms, by create or by first message, but may make private ones", async () => {
    await start({ rooms: { publicRoomCreation: "members" } });
    await member(server, "Admin first");
    const alice = await member(server, "Alice");
    const gus = await guest(server, "Gus");

    expect(await gus.ask("room:create", { room: "lobby", visibility: "public" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(await gus.ask("room:join", { room: "lobby" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(
      await gus.ask("message:send", { room: "lobby", text: "hi", clientId: "c1" }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await gus.ask("room:create", { room: "den", visibility: "private" })).toMatchObject({
      ok: true,
    });

    await alice.must("room:join", { room: "lobby" });
    const sent = await alice.must("message:send", { room: "lobby", text: "hi", clientId: "c1" });
    expect(sent.message.text).toBe("hi");
    // Once it exists, a guest may join it and write in it.
    const joined = await gus.must("room:join", { room: "lobby" });
    expect(joined.info.ownerId).toBe(alice.user.id);
    expect(
      await gus.ask("message:send", { room: "lobby", text: "me too", clientId: "c2" }),
    ).toMatchObject({ ok: true });
  });
});

describe("the first message of a new name", () => {
  it("makes a public room with its author as owner, told as the room's first change", async () => {
    await start();
    const ana = await guest(server, "Ana");
    const bea = await guest(server, "Bea");
    const before = await ana.must("room:join", { room: "fresh" });
    expect(before).toMatchObject({ latestRev: 0, membership: null, info: { ownerId: null } });
    await bea.must("room:join", { room: "fresh" });

    await ana.must("message:send", { room: "fresh", text: "first", clientId: "c1" });

    await eventually(() =>
      expect(bea.heard("member:changed")).toEqual([
        expect.objectContaining({ room: "fresh", rev: 1, kind: "joined", role: "owner" }),
      ]),
    );
    const info = await server.store.rooms.info("fresh");
    expect(info).toMatchObject({ visibility: "public", ownerId: ana.user.id });
  });
});

describe("a reader who subscribed before the room was made", () => {
  it("becomes a member by writing in it", async () => {
    await start();
    const ana = await guest(server, "Ana");
    const bea = await guest(server, "Bea");
    await ana.must("room:join", { room: "fresh" });
    await bea.must("room:join", { room: "fresh" });
    await ana.must("message:send", { room: "fresh", text: "first", clientId: "c1" });

    await bea.must("message:send", { room: "fresh", text: "second", clientId: "c2" });

    const listed = await ana.must("members:list", { room: "fresh" });
    expect(Object.fromEntries(listed.members.map((m) => [m.user.name, m.role]))).toEqual({
      Ana: "owner",
      Bea: "member",
    });
  });
});

describe("room:update", () => {
  it("lets the owner change the topic and make the room private, told to the room and audited; others are refused", async () => {
    await start();
    const ana = await guest(server, "Ana");
    const bea = await guest(server, "Bea");
    await ana.must("room:create", { room: "club", visibility: "public" });
    await ana.must("room:join", { room: "club" });
    await bea.must("room:join", { room: "club" });

    expect(await bea.ask("room:update", { room: "club", topic: "mine" })).toMatchObject({
      ok: false,
      error: { code: "forbidden", message: "Only the room's owner may do that." },
    });
    const updated = await ana.must("room:update", { room: "club", topic: "Chess on Fridays" });
    expect(updated.room.topic).toBe("Chess on Fridays");
    await eventually(() =>
      expect(bea.heard("room:updated")).toEqual([
        expect.objectContaining({ name: "club", topic: "Chess on Fridays" }),
      ]),
    );
    await ana.must("room:update", { room: "club", visibility: "private" });
    // Bea joined it while public: she is a member and stays.
    expect(await bea.ask("history:after", { room: "club", after: 0 })).toMatchObject({ ok: true });
    const audit = await ana.must("audit:list", { room: "club" });
    expect(audit.entries.map((entry) => entry.action)).toEqual(["room-updated", "room-updated"]);
    expect(await bea.ask("audit:list", { room: "club" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });
});

describe("room:update to private", () => {
  it("unsubscribes the readers who are not members, on the spot", async () => {
    await start();
    const ana = await guest(server, "Ana");
    const vic = await guest(server, "Vic");
    // Vic subscribed to the name before anything was made under it: a reader, not a member.
    await vic.must("room:join", { room: "club" });
    await ana.must("room:create", { room: "club", visibility: "public" });
    await ana.must("room:join", { room: "club" });
    await ana.must("message:send", { room: "club", text: "public words", clientId: "c1" });
    await eventually(() =>
      expect(vic.heard("message:created").map((m) => m.text)).toEqual(["public words"]),
    );

    await ana.must("room:update", { room: "club", visibility: "private" });
    await eventually(() =>
      expect(vic.heard("room:updated")).toEqual([
        expect.objectContaining({ name: "club", visibility: "private" }),
      ]),
    );
    await ana.must("message:send", { room: "club", text: "private words", clientId: "c2" });
    await settle(vic.socket);

    expect(vic.heard("message:created").map((m) => m.text)).toEqual(["public words"]);
    expect(await vic.ask("room:join", { room: "club" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });
});

describe("room:delete", () => {
  it("removes the room and its history, tells the room it was deleted, and unsubscribes everyone", async () => {
    await start();
    const ana = await guest(server, "Ana");
    const bea = await guest(server, "Bea");
    await ana.must("room:create", { room: "doomed", visibility: "public" });
    await ana.must("room:join", { room: "doomed" });
    await bea.must("room:join", { room: "doomed" });
    await ana.must("message:send", { room: "doomed", text: "bye", clientId: "c1" });

    expect(await bea.ask("room:delete", { room: "doomed" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(await ana.ask("room:delete", { room: "doomed" })).toEqual({ ok: true });

    await eventually(() =>
      expect(bea.heard("room:updated")).toEqual([
        expect.objectContaining({ name: "doomed", deleted: true }),
      ]),
    );
    expect(await server.store.rooms.info("doomed")).toBeNull();
    expect(await server.store.messages.latest("doomed", 10)).toMatchObject({ messages: [] });
    // Nobody is subscribed any more: a message written under the name again reaches no old reader.
    const carol = await guest(server, "Carol");
    await carol.must("room:join", { room: "doomed" });
    await carol.must("message:send", { room: "doomed", text: "new", clientId: "c2" });
    await settle(bea.socket);
    expect(bea.heard("message:created").map((m) => m.text)).toEqual(["bye"]);
  });
});

describe("room:claim", () => {
  it("lets an admin take an ownerless old room; others may not", async () => {
    await start();
    const admin = await member(server, "Admin");
    const ana = await member(server, "Ana");
    await server.store.messages.append({
      room: "old",
      clientId: "c1",
      author: { id: "someone", name: "Someone" },
      text: "from before rooms had owners",
    });

    expect(await ana.ask("room:claim", { room: "old" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    const claimed = await admin.must("room:claim", { room: "old" });
    expect(claimed.room).toMatchObject({ name: "old", ownerId: admin.user.id });
    expect(await admin.ask("room:claim", { room: "old" })).toMatchObject({
      ok: false,
      error: { code: "forbidden", message: "This room already has an owner." },
    });
    const joined = await admin.must("room:join", { room: "old" });
    expect(joined.membership?.role).toBe("owner");
    const audit = await admin.must("audit:list", { room: "old" });
    expect(audit.entries.map((entry) => entry.action)).toEqual(["room-claimed"]);
  });
});
