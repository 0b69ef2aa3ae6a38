import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatTestServer, eventually } from "../testing/chat-test-server";
import { guest, member } from "../testing/room-people";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

describe("dm:open", () => {
  it("opens the pair's one direct room, found again by either of them, naming the other person", async () => {
    const ana = await guest(server, "Ana");
    const bea = await guest(server, "Bea");

    const first = await ana.must("dm:open", { userId: bea.user.id });
    expect(first.room).toMatchObject({
      visibility: "direct",
      ownerId: null,
      directWith: { id: bea.user.id, name: "Bea" },
    });
    expect(first.room.name).toMatch(/^dm-[a-z0-9]{20}$/);
    await eventually(() =>
      expect(bea.heard("member:changed")).toContainEqual(
        expect.objectContaining({
          room: first.room.name,
          user: expect.objectContaining({ id: bea.user.id }),
        }),
      ),
    );

    const again = await ana.must("dm:open", { userId: bea.user.id });
    const fromBea = await bea.must("dm:open", { userId: ana.user.id });
    expect(again.room.name).toBe(first.room.name);
    expect(fromBea.room).toMatchObject({ name: first.room.name, directWith: { id: ana.user.id } });

    await ana.must("room:join", { room: first.room.name });
    const joined = await bea.must("room:join", { room: first.room.name });
    expect(joined.membership).toEqual({ role: "member", mutedUntil: null });
    await ana.must("message:send", { room: first.room.name, text: "psst", clientId: "c1" });
    await eventually(() =>
      expect(bea.heard("message:created").map((m) => m.text)).toEqual(["psst"]),
    );
  });

  it("keeps everyone else out, admins too", async () => {
    const admin = await member(server, "Admin");
    const ana = await guest(server, "Ana");
    const bea = await guest(server, "Bea");
    const dm = await ana.must("dm:open", { userId: bea.user.id });
    for (const outsider of [admin, await guest(server, "Eve")]) {
      expect(await outsider.ask("room:join", { room: dm.room.name })).toEqual({
        ok: false,
        error: { code: "forbidden", message: "You are not a member of this room." },
      });
      expect(await outsider.ask("changes:after", { room: dm.room.name, after: 0 })).toMatchObject({
        ok: false,
        error: { code: "forbidden" },
      });
    }
  });

  it("refuses someone unknown and oneself", async () => {
    const ana = await guest(server, "Ana");
    expect(await ana.ask("dm:open", { userId: "nobody-we-know" })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect(await ana.ask("dm:open", { userId: ana.user.id })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });
});

describe("users:find", () => {
  it("finds stored people by the start of their name, case-insensitively", async () => {
    await guest(server, "Marguerite");
    await guest(server, "Margo");
    const ana = await guest(server, "Ana");
    const found = await ana.must("users:find", { query: "MARG" });
    expect(found.users.map((user) => user.name).sort()).toEqual(["Margo", "Marguerite"]);
  });
});
