import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatTestServer } from "../testing/chat-test-server";
import { guestWithCookie, member } from "../testing/room-people";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

const headers = (cookie?: string) => new Headers(cookie ? { cookie } : {});
const names = (rooms: { name: string }[]) => rooms.map((room) => room.name).sort();

/** A public room with a message, Ana's private room, and Ana and Bea's direct room. */
async function rooms() {
  const admin = await member(server, "Admin");
  const ana = await guestWithCookie(server, "Ana");
  const bea = await guestWithCookie(server, "Bea");
  const eve = await guestWithCookie(server, "Eve");
  await ana.must("room:join", { room: "lobby" });
  await ana.must("message:send", { room: "lobby", text: "hi", clientId: "c1" });
  await ana.must("room:create", { room: "den", visibility: "private", topic: "Ana's den" });
  const dm = (await ana.must("dm:open", { userId: bea.user.id })).room.name;
  return { admin, ana, bea, eve, dm };
}

describe("PageRooms.list", () => {
  it("lists to each viewer only what they may see: public rooms, their own private and direct rooms", async () => {
    const { admin, ana, bea, eve, dm } = await rooms();

    expect(names(await server.app.rooms.list(headers()))).toEqual(["lobby"]);
    expect(names(await server.app.rooms.list(headers(eve.cookie)))).toEqual(["lobby"]);
    expect(names(await server.app.rooms.list(headers(ana.cookie)))).toEqual(
      [dm, "den", "lobby"].sort(),
    );
    const forBea = await server.app.rooms.list(headers(bea.cookie));
    expect(names(forBea)).toEqual([dm, "lobby"].sort());
    expect(forBea.find((room) => room.name === dm)).toMatchObject({
      visibility: "direct",
      directWith: { id: ana.user.id, name: "Ana" },
    });
    // An admin sees every private room, but nobody else's direct conversation.
    expect(names(await server.app.rooms.list(headers(admin.cookie)))).toEqual(["den", "lobby"]);
    const den = (await server.app.rooms.list(headers(ana.cookie))).find((r) => r.name === "den");
    expect(den).toMatchObject({ visibility: "private", topic: "Ana's den" });
  });

  it("gives each viewer the seqs of their own newest mentions per room, and nobody else's", async () => {
    const { ana, bea, eve, dm } = await rooms();
    await bea.must("room:join", { room: "lobby" });
    await ana.must("message:send", { room: "lobby", text: "@Bea look", clientId: "m1" });
    await ana.must("room:join", { room: dm });
    await ana.must("message:send", { room: dm, text: "@Bea here too", clientId: "m2" });
    const forBea = await server.app.rooms.list(headers(bea.cookie));
    expect(forBea.find((room) => room.name === "lobby")?.mentionSeqs).toEqual([2]);
    expect(forBea.find((room) => room.name === dm)?.mentionSeqs).toEqual([1]);
    const forEve = await server.app.rooms.list(headers(eve.cookie));
    expect(forEve.find((room) => room.name === "lobby")).not.toHaveProperty("mentionSeqs");
    expect(await server.app.rooms.list(headers())).toEqual([
      expect.not.objectContaining({ mentionSeqs: expect.anything() }),
    ]);
  });

  it("leaves out a public room its viewer is banned from", async () => {
    const { ana, eve } = await rooms();
    await eve.must("room:join", { room: "lobby" });
    await ana.must("member:ban", { room: "lobby", userId: eve.user.id });
    expect(names(await server.app.rooms.list(headers(eve.cookie)))).toEqual([]);
    expect(await server.app.rooms.access(headers(eve.cookie), "lobby")).toEqual({
      allowed: false,
      reason: "You are banned from this room.",
    });
  });

  it("makes no identity for a visitor without a cookie, and believes no forged one", async () => {
    await rooms();
    expect(names(await server.app.rooms.list(headers("scrollback_session=forged.value")))).toEqual([
      "lobby",
    ]);
  });
});

describe("PageRooms.access", () => {
  it("lets members and readers of public rooms in, and tells anyone else why not", async () => {
    const { ana, eve, dm } = await rooms();
    expect(await server.app.rooms.access(headers(ana.cookie), "den")).toMatchObject({
      allowed: true,
      info: { name: "den", visibility: "private" },
    });
    expect(await server.app.rooms.access(headers(eve.cookie), "den")).toEqual({
      allowed: false,
      reason: "You are not a member of this room.",
    });
    expect(await server.app.rooms.access(headers(), dm)).toEqual({
      allowed: false,
      reason: "You are not a member of this room.",
    });
    expect(await server.app.rooms.access(headers(), "lobby")).toMatchObject({
      allowed: true,
      info: { name: "lobby", visibility: "public" },
    });
    expect(await server.app.rooms.access(headers(), "nothing-here-yet")).toEqual({
      allowed: true,
      info: null,
    });
  });
});
