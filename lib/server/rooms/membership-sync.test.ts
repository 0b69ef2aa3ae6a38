import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ChatTestServer, eventually } from "../testing/chat-test-server";
import { guest, type RoomPerson } from "../testing/room-people";
import { redisDeployment, type TestDeployment } from "../testing/test-deployments";

/**
 * Each instance answers sends, reactions and typing from its own membership
 * cache; a change made through one instance must reach every other's before
 * the person it names can act on it there.
 */
let deployment: TestDeployment;
let a: ChatTestServer;
let b: ChatTestServer;
beforeEach(async () => {
  deployment = await redisDeployment();
  [a, b] = deployment.servers as [ChatTestServer, ChatTestServer];
});
afterEach(async () => {
  await deployment.dispose();
});

/** Olga (on A) owns private "club"; Ben (on B) is a member who has joined and written there. */
async function club(): Promise<{ olga: RoomPerson; ben: RoomPerson }> {
  const olga = await guest(a, "Olga");
  const ben = await guest(b, "Ben");
  await olga.must("room:create", { room: "club", visibility: "private" });
  await olga.must("member:add", { room: "club", userId: ben.user.id });
  await olga.must("room:join", { room: "club" });
  await ben.must("room:join", { room: "club" });
  // B has now cached the room and Ben's standing.
  await ben.must("message:send", { room: "club", text: "hello", clientId: "b0" });
  return { olga, ben };
}

/** Resolves when `person` has heard a `member:changed` of this kind. */
function told(person: RoomPerson, kind: string) {
  return eventually(() =>
    expect(person.heard("member:changed").map((change) => change.kind)).toContain(kind),
  );
}

describe("membership caches across two instances", () => {
  it("a mute on A holds on B from the moment Ben is told, and an unmute frees him there as soon", async () => {
    const { olga, ben } = await club();

    await olga.must("member:mute", { room: "club", userId: ben.user.id, minutes: 5 });
    await told(ben, "muted");
    const muted = await ben.ask("message:send", { room: "club", text: "hey", clientId: "b1" });
    expect(muted).toMatchObject({ ok: false, error: { code: "forbidden" } });
    if (!muted.ok) expect(muted.error.message).toMatch(/^You are muted in this room until/);

    await olga.must("member:unmute", { room: "club", userId: ben.user.id });
    await told(ben, "unmuted");
    expect(
      await ben.ask("message:send", { room: "club", text: "free", clientId: "b2" }),
    ).toMatchObject({ ok: true });
  });

  it("a role given on A lets Ben moderate on B at once", async () => {
    const { olga, ben } = await club();
    const cat = await guest(b, "Cat");
    await olga.must("member:add", { room: "club", userId: cat.user.id });
    expect(await ben.ask("member:kick", { room: "club", userId: cat.user.id })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });

    await olga.must("member:role", { room: "club", userId: ben.user.id, role: "moderator" });
    await told(ben, "role");
    expect(await ben.ask("member:kick", { room: "club", userId: cat.user.id })).toMatchObject({
      ok: true,
      change: { kind: "kicked" },
    });
  });

  it("a public room turned private on A shuts B's door to non-members, which B had seen open", async () => {
    const olga = await guest(a, "Olga");
    const vic = await guest(b, "Vic");
    await olga.must("room:create", { room: "square", visibility: "public" });
    // B caches the room as public.
    expect(await vic.ask("history:after", { room: "square", after: 0 })).toMatchObject({
      ok: true,
    });

    await olga.must("room:update", { room: "square", visibility: "private" });
    await eventually(async () =>
      expect(await vic.ask("history:after", { room: "square", after: 0 })).toMatchObject({
        ok: false,
        error: { code: "forbidden", message: "You are not a member of this room." },
      }),
    );
    expect(await vic.ask("room:join", { room: "square" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });

  it("a room made on A under a name B had seen empty is the made room on B", async () => {
    const olga = await guest(a, "Olga");
    const vic = await guest(b, "Vic");
    // B caches "den" as a name nothing was made under.
    expect(await vic.must("room:join", { room: "den" })).toMatchObject({ info: { ownerId: null } });
    await vic.must("room:leave", { room: "den" });

    await olga.must("room:create", { room: "den", visibility: "private" });
    await eventually(async () =>
      expect(await vic.ask("room:join", { room: "den" })).toMatchObject({
        ok: false,
        error: { code: "forbidden" },
      }),
    );
  });
});
