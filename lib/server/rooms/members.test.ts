import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChatTestServer, eventually, settle } from "../testing/chat-test-server";
import { guest, member, type RoomPerson } from "../testing/room-people";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

/** Olga owns private "club"; Mo is a moderator, Ben a member; all three joined it. */
async function club() {
  const olga = await guest(server, "Olga");
  const mo = await guest(server, "Mo");
  const ben = await guest(server, "Ben");
  const out = await guest(server, "Out");
  await olga.must("room:create", { room: "club", visibility: "private" });
  await olga.must("member:add", { room: "club", userId: mo.user.id });
  await olga.must("member:add", { room: "club", userId: ben.user.id });
  await olga.must("member:role", { room: "club", userId: mo.user.id, role: "moderator" });
  for (const person of [olga, mo, ben]) await person.must("room:join", { room: "club" });
  let n = 0;
  const say = async (person: RoomPerson, text: string) => {
    n += 1;
    return (await person.must("message:send", { room: "club", text, clientId: `c${n}` })).message;
  };
  return { olga, mo, ben, out, say };
}

const refused = (code: string, message?: string) => ({
  ok: false,
  error: message === undefined ? expect.objectContaining({ code }) : { code, message },
});

describe("members:list", () => {
  it("lists the members with their roles to members; a non-member of a private room is refused", async () => {
    const { olga, mo, ben, out } = await club();
    const listed = await ben.must("members:list", { room: "club" });
    const roles = Object.fromEntries(listed.members.map((m) => [m.user.name, m.role]));
    expect(roles).toEqual({ Olga: "owner", Mo: "moderator", Ben: "member" });
    expect(listed.hasMore).toBe(false);
    expect(await out.ask("members:list", { room: "club" })).toEqual(
      refused("forbidden", "You are not a member of this room."),
    );
    void olga;
    void mo;
  });
});

describe("member:add", () => {
  it("adds a person by a moderator, tells them wherever they are connected; a member may not add", async () => {
    const { mo, ben, out } = await club();
    const newcomer = await guest(server, "New");
    expect(await ben.ask("member:add", { room: "club", userId: newcomer.user.id })).toEqual(
      refused("forbidden"),
    );
    const added = await mo.must("member:add", { room: "club", userId: newcomer.user.id });
    expect(added.change).toMatchObject({ kind: "added", role: "member", by: { id: mo.user.id } });
    await eventually(() =>
      expect(newcomer.heard("member:changed")).toEqual([
        expect.objectContaining({ room: "club", kind: "added" }),
      ]),
    );
    expect(await newcomer.ask("room:join", { room: "club" })).toMatchObject({ ok: true });
    expect(await mo.ask("member:add", { room: "club", userId: "nobody-at-all" })).toEqual(
      refused("not_found", "There is no such person."),
    );
    void out;
  });
});

describe("member:kick", () => {
  it("removes a member: told to them and the room, their connection stops hearing the room, and every request of theirs about it is refused", async () => {
    const { olga, mo, ben, say } = await club();
    await say(olga, "before");

    const kicked = await mo.must("member:kick", { room: "club", userId: ben.user.id });
    expect(kicked.change).toMatchObject({ kind: "kicked", role: null, user: { id: ben.user.id } });
    await eventually(() =>
      expect(ben.heard("member:changed").at(-1)).toMatchObject({ kind: "kicked" }),
    );
    await say(olga, "after");
    await settle(ben.socket);

    expect(ben.heard("message:created").map((m) => m.text)).toEqual(["before"]);
    expect(await ben.ask("message:send", { room: "club", text: "hey", clientId: "b1" })).toEqual(
      refused("forbidden", "You are not a member of this room."),
    );
    expect(await ben.ask("room:join", { room: "club" })).toEqual(refused("forbidden"));
    expect(await ben.ask("changes:after", { room: "club", after: 0 })).toEqual(
      refused("forbidden"),
    );
    const audit = await olga.must("audit:list", { room: "club" });
    expect(audit.entries[0]).toMatchObject({
      action: "kicked",
      actor: { id: mo.user.id },
      target: { id: ben.user.id },
    });
  });

  it("refuses a moderator acting on the owner, and anyone acting on themselves", async () => {
    const { olga, mo } = await club();
    expect(await mo.ask("member:kick", { room: "club", userId: olga.user.id })).toEqual(
      refused("forbidden", "You may act only on people whose role is below yours."),
    );
    expect(await mo.ask("member:kick", { room: "club", userId: mo.user.id })).toEqual(
      refused("forbidden"),
    );
  });
});

describe("member:ban and member:unban", () => {
  it("keeps a banned person out of a public room until unbanned", async () => {
    const olga = await guest(server, "Olga");
    const ben = await guest(server, "Ben");
    await olga.must("room:create", { room: "square", visibility: "public" });
    await ben.must("room:join", { room: "square" });

    await olga.must("member:ban", { room: "square", userId: ben.user.id });

    expect(await ben.ask("room:join", { room: "square" })).toEqual(
      refused("forbidden", "You are banned from this room."),
    );
    expect(await ben.ask("history:after", { room: "square", after: 0 })).toEqual(
      refused("forbidden"),
    );
    await olga.must("member:unban", { room: "square", userId: ben.user.id });
    expect(await ben.ask("room:join", { room: "square" })).toMatchObject({ ok: true });
    const audit = await olga.must("audit:list", { room: "square" });
    expect(audit.entries.map((entry) => entry.action)).toEqual(["unbanned", "banned"]);
  });

  it("lets a kicked person join a public room again", async () => {
    const olga = await guest(server, "Olga");
    const ben = await guest(server, "Ben");
    await olga.must("room:create", { room: "square", visibility: "public" });
    await ben.must("room:join", { room: "square" });
    await olga.must("member:kick", { room: "square", userId: ben.user.id });
    expect(await ben.ask("room:join", { room: "square" })).toMatchObject({
      ok: true,
      membership: { role: "member" },
    });
  });
});

describe("member:mute", () => {
  it("stops a muted member's sends, reactions and typing until unmuted; they still read", async () => {
    const { olga, mo, ben, say } = await club();
    const hello = await say(olga, "hello");

    const muted = await mo.must("member:mute", { room: "club", userId: ben.user.id, minutes: 10 });
    expect(muted.change.mutedUntil).not.toBeNull();

    const send = await ben.ask("message:send", { room: "club", text: "hey", clientId: "b1" });
    expect(send).toMatchObject(refused("forbidden"));
    if (!send.ok) expect(send.error.message).toMatch(/^You are muted in this room until .* UTC\.$/);
    expect(
      await ben.ask("reaction:add", { room: "club", id: hello.id, emoji: "👍" }),
    ).toMatchObject(refused("forbidden"));
    const typing: unknown[] = [];
    olga.socket.on("typing:started", (notice) => typing.push(notice));
    ben.socket.emit("typing:start", { room: "club" });
    await settle(ben.socket);
    await settle(olga.socket);
    expect(typing).toEqual([]);
    expect(await ben.ask("history:after", { room: "club", after: 0 })).toMatchObject({ ok: true });
    const joined = await ben.must("room:join", { room: "club" });
    expect(joined.membership?.mutedUntil).toBe(muted.change.mutedUntil);

    await mo.must("member:unmute", { room: "club", userId: ben.user.id });
    expect(
      await ben.ask("message:send", { room: "club", text: "free", clientId: "b2" }),
    ).toMatchObject({ ok: true });
    const audit = await olga.must("audit:list", { room: "club" });
    expect(audit.entries.slice(0, 2).map((entry) => entry.action)).toEqual(["unmuted", "muted"]);
  });
});

describe("member:role", () => {
  it("lets the owner make a moderator, not another owner; a moderator gives no roles at their own rank", async () => {
    const { olga, mo, ben } = await club();
    expect(
      await olga.ask("member:role", { room: "club", userId: ben.user.id, role: "owner" }),
    ).toEqual(refused("forbidden", "You may give only roles below your own."));
    expect(
      await mo.ask("member:role", { room: "club", userId: ben.user.id, role: "moderator" }),
    ).toEqual(refused("forbidden"));
    const made = await olga.must("member:role", {
      room: "club",
      userId: ben.user.id,
      role: "moderator",
    });
    expect(made.change).toMatchObject({ kind: "role", role: "moderator" });
    await eventually(() =>
      expect(ben.heard("member:changed").at(-1)).toMatchObject({ kind: "role", role: "moderator" }),
    );
  });
});

describe("ownership", () => {
  it("is handed on by an admin making someone the owner: the room names them, the one before stays a moderator", async () => {
    const admin = await member(server, "Admin");
    const { olga, ben } = await club();
    const made = await admin.must("member:role", {
      room: "club",
      userId: ben.user.id,
      role: "owner",
    });
    expect(made.change).toMatchObject({ kind: "role", role: "owner" });
    expect(await server.store.rooms.info("club")).toMatchObject({ ownerId: ben.user.id });
    await eventually(() =>
      expect(olga.heard("member:changed").at(-1)).toMatchObject({
        kind: "role",
        role: "moderator",
        user: { id: olga.user.id },
      }),
    );
    expect(await olga.ask("room:update", { room: "club", topic: "still mine?" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(await ben.ask("room:update", { room: "club", topic: "mine now" })).toMatchObject({
      ok: true,
    });
  });

  it("leaves with an owner who leaves: the room has none until an admin claims it", async () => {
    const admin = await member(server, "Admin");
    const { olga } = await club();
    await olga.must("member:leave", { room: "club" });
    expect(await server.store.rooms.info("club")).toMatchObject({ ownerId: null });
    expect(await admin.must("room:claim", { room: "club" })).toMatchObject({
      room: { ownerId: admin.user.id },
    });
  });
});

describe("member:leave", () => {
  it("takes a member out, tells the room, and shuts the private room's door behind them", async () => {
    const { olga, ben } = await club();
    const left = await ben.must("member:leave", { room: "club" });
    expect(left.change).toMatchObject({ kind: "left", role: null, by: null });
    await eventually(() =>
      expect(olga.heard("member:changed").at(-1)).toMatchObject({
        kind: "left",
        user: { id: ben.user.id },
      }),
    );
    expect(await ben.ask("room:join", { room: "club" })).toEqual(refused("forbidden"));
    expect(await ben.ask("member:leave", { room: "club" })).toEqual(refused("forbidden"));
  });
});

describe("message:delete by a moderator", () => {
  it("removes another's message as by a moderator, audited with its id and seq; a member may not", async () => {
    const { olga, mo, ben, say } = await club();
    const message = await say(ben, "rude words");
    const other = await say(olga, "fine words");

    expect(await ben.ask("message:delete", { room: "club", id: other.id })).toEqual(
      refused("forbidden"),
    );
    const deleted = await mo.must("message:delete", { room: "club", id: message.id });
    expect(deleted.message).toMatchObject({ deleted: true, removedByModerator: true, text: "" });
    await eventually(() =>
      expect(ben.heard("message:updated").at(-1)).toMatchObject({
        id: message.id,
        removedByModerator: true,
      }),
    );
    const audit = await olga.must("audit:list", { room: "club" });
    expect(audit.entries[0]).toMatchObject({
      action: "message-deleted",
      actor: { id: mo.user.id },
      target: { id: ben.user.id },
      message: { id: message.id, seq: message.seq },
    });
    // One's own delete is no moderator's.
    const own = await say(ben, "oops");
    const mine = await ben.must("message:delete", { room: "club", id: own.id });
    expect(mine.message.removedByModerator).toBeUndefined();
  });
});

describe("the hot path", () => {
  it("asks the store nothing about the room or the sender's standing per send, reaction or typing notice", async () => {
    const { olga, ben, say } = await club();
    const first = await say(ben, "warm up");
    const info = vi.spyOn(server.store.rooms, "info");
    const standing = vi.spyOn(server.store.members, "standing");

    for (let i = 0; i < 10; i++) await say(ben, `message ${i}`);
    await ben.must("reaction:add", { room: "club", id: first.id, emoji: "👍" });
    ben.socket.emit("typing:start", { room: "club" });
    await settle(ben.socket);

    // (`settle` reads another room, which is looked up once.)
    expect(info.mock.calls.filter(([room]) => room === "club")).toEqual([]);
    expect(standing.mock.calls.filter(([room]) => room === "club")).toEqual([]);
    void olga;
  });
});
