import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatTestServer } from "../testing/chat-test-server";
import { guest } from "../testing/room-people";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

async function privateRoom() {
  const olga = await guest(server, "Olga");
  await olga.must("room:create", { room: "den", visibility: "private" });
  return olga;
}

describe("invite:create and invite:accept", () => {
  it("makes a link whose token admits once, and whose room then lets the person in", async () => {
    const olga = await privateRoom();
    const ben = await guest(server, "Ben");
    const cat = await guest(server, "Cat");

    const made = await olga.must("invite:create", { room: "den", maxUses: 1 });
    expect(made.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.path).toBe(`/invite/${made.token}`);
    expect(made.invite).toMatchObject({ room: "den", maxUses: 1, uses: 0, revoked: false });

    const accepted = await ben.must("invite:accept", { token: made.token });
    expect(accepted.room).toMatchObject({ name: "den", visibility: "private" });
    expect(ben.heard("member:changed")).toEqual([
      expect.objectContaining({
        room: "den",
        kind: "added",
        by: expect.objectContaining({ id: olga.user.id }),
      }),
    ]);
    expect(await ben.ask("room:join", { room: "den" })).toMatchObject({
      ok: true,
      membership: { role: "member" },
    });
    // Following it again as a member uses nothing; someone else finds it used up.
    expect(await ben.ask("invite:accept", { token: made.token })).toMatchObject({ ok: true });
    expect(await cat.ask("invite:accept", { token: made.token })).toEqual({
      ok: false,
      error: { code: "not_found", message: "This invite has been used up." },
    });
    expect(await cat.ask("room:join", { room: "den" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });

  it("refuses a token that is none of ours", async () => {
    const ben = await guest(server, "Ben");
    expect(await ben.ask("invite:accept", { token: "A".repeat(43) })).toEqual({
      ok: false,
      error: { code: "not_found", message: "This invite link is not valid." },
    });
  });

  it("is for moderators and owners only, and never for direct rooms", async () => {
    await privateRoom();
    const ben = await guest(server, "Ben");
    expect(await ben.ask("invite:create", { room: "den" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    const cat = await guest(server, "Cat");
    const dm = await ben.must("dm:open", { userId: cat.user.id });
    expect(await ben.ask("invite:create", { room: dm.room.name })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });
});

describe("invite:list and invite:revoke", () => {
  it("lists the room's invites to its owner and revokes one, which then admits nobody", async () => {
    const olga = await privateRoom();
    const ben = await guest(server, "Ben");
    const made = await olga.must("invite:create", { room: "den", expiresInMinutes: 60 });

    const listed = await olga.must("invite:list", { room: "den" });
    expect(listed.invites.map((invite) => invite.id)).toEqual([made.invite.id]);
    expect(JSON.stringify(listed)).not.toContain(made.token);
    expect(await ben.ask("invite:list", { room: "den" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });

    expect(await olga.ask("invite:revoke", { room: "den", id: made.invite.id })).toEqual({
      ok: true,
    });
    expect(await ben.ask("invite:accept", { token: made.token })).toEqual({
      ok: false,
      error: { code: "not_found", message: "This invite was revoked." },
    });
    expect(await olga.ask("invite:revoke", { room: "den", id: "no-such-invite" })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    const audit = await olga.must("audit:list", { room: "den" });
    expect(audit.entries.map((entry) => entry.action)).toEqual([
      "invite-revoked",
      "invite-created",
    ]);
  });
});

describe("the invite page", () => {
  it("names the room of a live token without using it, and says why a spent one no longer admits", async () => {
    const olga = await privateRoom();
    const made = await olga.must("invite:create", { room: "den", maxUses: 1 });
    expect(await server.app.rooms.invite(made.token)).toEqual({ room: "den", problem: null });
    expect(await server.app.rooms.invite(made.token)).toEqual({ room: "den", problem: null });
    const ben = await guest(server, "Ben");
    await ben.must("invite:accept", { token: made.token });
    expect(await server.app.rooms.invite(made.token)).toEqual({
      room: "den",
      problem: "This invite has been used up.",
    });
    expect(await server.app.rooms.invite("B".repeat(43))).toBeNull();
    expect(await server.app.rooms.invite("not a token")).toBeNull();
  });
});
