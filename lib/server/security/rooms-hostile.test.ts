import { createHash, randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import type { RequestEvent, RequestOf, Result, ResultOf } from "../../shared/protocol";
import { newTestAccount, signUp } from "../testing/accounts";
import {
  ChatTestServer,
  collectMessages,
  rawRequest,
  request,
  settle,
} from "../testing/chat-test-server";

/**
 * Draws the next direct room names must take, so that a test can make one
 * collide with a room a squatter made first; empty, every draw is random.
 */
const forcedDraws = vi.hoisted(() => ({ queue: [] as number[] }));
vi.mock("node:crypto", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:crypto")>();
  // Only the one-argument, synchronous form (the one direct-room names use) is forced.
  const randomInt = ((...args: unknown[]) => {
    if (args.length === 1 && forcedDraws.queue.length > 0) return forcedDraws.queue.shift();
    return (real.randomInt as (...a: unknown[]) => unknown)(...args);
  }) as typeof real.randomInt;
  return { ...real, default: { ...real, randomInt }, randomInt };
});

/*
 * An attacker's attempts on rooms that belong to people: forged, spent,
 * expired and revoked invites (each `not_found`, its words saying which, as
 * docs/protocol.md has it); climbing roles; payload fields that claim to
 * be someone; names that collide with private rooms or with the names direct
 * rooms take. Each attempt states its precise refusal, that it changed
 * nothing, and — after every test — that the server still serves a newcomer.
 */

type Someone = { socket: ChatClientSocket; userId: string; name: string; cookie?: string };

let server: ChatTestServer;
/** The server's first account, and so its admin; kept apart from the attackers. */
let admin: Someone;
let counter = 0;

beforeAll(async () => {
  server = await ChatTestServer.start();
  admin = await account("Admin");
}, 60_000);
afterAll(async () => {
  await server?.dispose();
});

afterEach(async () => {
  // Every refusal leaves the server serving: a newcomer still joins, sends and is heard.
  const { socket } = await server.connect();
  const room = `after-${++counter}`;
  expect(await request(socket, "room:join", { room })).toMatchObject({ ok: true });
  const heard = collectMessages(socket);
  expect(
    await request(socket, "message:send", { room, text: "still serving", clientId: "alive" }),
  ).toMatchObject({ ok: true });
  await settle(socket);
  expect(heard.map((m) => m.text)).toEqual(["still serving"]);
  socket.disconnect();
});

function roomName(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${randomBytes(3).toString("hex")}`;
}

async function account(name: string): Promise<Someone> {
  const made = await signUp(server, newTestAccount(name));
  const { socket, session } = await server.connect({ extraHeaders: { cookie: made.cookie } });
  return { socket, userId: session.user.id, name: session.user.name, cookie: made.cookie };
}

/** A guest with a stored name (as anyone who has written has). */
async function guest(name: string): Promise<Someone> {
  const { socket, session } = await server.connect();
  await must(socket, "user:rename", { name });
  return { socket, userId: session.user.id, name };
}

async function must<E extends RequestEvent>(
  socket: ChatClientSocket,
  event: E,
  payload: RequestOf<E>,
): Promise<Extract<Result<ResultOf<E>>, { ok: true }>> {
  const result = await request(socket, event, payload);
  if (!result.ok) throw new Error(`${event}: ${result.error.code} ${result.error.message}`);
  return result as Extract<Result<ResultOf<E>>, { ok: true }>;
}

function codeOf(result: { ok: boolean; error?: { code: string } }): string {
  return result.ok ? "ok" : (result.error?.code ?? "?");
}

/** A private room with an owner (account), a moderator and a member; all joined. */
async function privateRoom(topic = "plans for the surprise party") {
  const room = roomName("secret");
  const owner = await account("Owner");
  const moderator = await account("Moderator");
  const member = await guest("Member");
  await must(owner.socket, "room:create", { room, visibility: "private", topic });
  for (const someone of [moderator, member])
    await must(owner.socket, "member:add", { room, userId: someone.userId });
  await must(owner.socket, "member:role", { room, userId: moderator.userId, role: "moderator" });
  for (const someone of [owner, moderator, member])
    await must(someone.socket, "room:join", { room });
  await must(owner.socket, "message:send", {
    room,
    text: "the secret is the cake",
    clientId: "secret",
  });
  return { room, owner, moderator, member, topic };
}

async function roleOf(room: string, userId: string): Promise<string | null> {
  const standing = await server.store.members.standing(room, userId);
  return standing?.role ?? null;
}

async function isMember(room: string, userId: string): Promise<boolean> {
  return (await roleOf(room, userId)) !== null;
}

/**
 * Sets an invite's expiry in the database itself: the server reads the clock
 * of the machine and takes none injected, so time is moved in the data.
 */
function expireInviteInDatabase(id: string): void {
  const db = new Database(server.dbPath);
  try {
    const columns = db.prepare("SELECT name FROM pragma_table_info('invites')").all() as {
      name: string;
    }[];
    const expiry = columns.map((c) => c.name).find((n) => /expire/i.test(n));
    if (!expiry) throw new Error(`no expiry column in invites: ${JSON.stringify(columns)}`);
    const sample = db.prepare(`SELECT ${expiry} AS at FROM invites WHERE id = ?`).get(id) as
      | { at: unknown }
      | undefined;
    if (!sample) throw new Error(`no invite ${id} in the database`);
    const past = Date.now() - 60_000;
    // Stored as epoch ms or as ISO text, whichever the store chose.
    const value = typeof sample.at === "number" ? past : new Date(past).toISOString();
    db.prepare(`UPDATE invites SET ${expiry} = ? WHERE id = ?`).run(value, id);
  } finally {
    db.close();
  }
}

describe("forged and spent invites", () => {
  it.each([
    ["a random token of the right shape", randomBytes(32).toString("base64url"), "not_found"],
    ["a token too short to be one", "abc", "invalid_payload"],
    ["a token too long to be one", "A".repeat(200), "invalid_payload"],
    ["a token with characters a token never has", `${"A".repeat(40)}%2F=`, "invalid_payload"],
    ["a number", 42, "invalid_payload"],
    ["nothing", undefined, "invalid_payload"],
  ])("refuses %s", async (_case, token, code) => {
    const { room } = await privateRoom();
    const outsider = await guest("Outsider");
    const answer = (await rawRequest(outsider.socket, "invite:accept", { token })) as {
      ok: boolean;
      error?: { code: string; message: string };
    };
    expect(codeOf(answer)).toBe(code);
    expect(JSON.stringify(answer)).not.toContain(room);
    expect(await isMember(room, outsider.userId)).toBe(false);
    expect(await request(outsider.socket, "room:join", { room })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });

  it("refuses the SHA-256 of a real token presented as the token (the stored hash is not a key)", async () => {
    const { room, owner } = await privateRoom();
    const made = await must(owner.socket, "invite:create", { room });
    const outsider = await guest("Hash holder");
    const hash = createHash("sha256").update(made.token).digest("base64url");
    expect(codeOf(await request(outsider.socket, "invite:accept", { token: hash }))).toBe(
      "not_found",
    );
    expect(await isMember(room, outsider.userId)).toBe(false);
  });

  it("admits another room's token into that room only, whatever room the payload names", async () => {
    const target = await privateRoom();
    const other = await privateRoom();
    const made = await must(other.owner.socket, "invite:create", { room: other.room });
    const outsider = await guest("Room hopper");
    const answer = await rawRequest(outsider.socket, "invite:accept", {
      token: made.token,
      room: target.room,
    });
    expect(answer).toMatchObject({ ok: true, room: { name: other.room } });
    expect(await isMember(other.room, outsider.userId)).toBe(true);
    expect(await isMember(target.room, outsider.userId)).toBe(false);
    expect(
      await request(outsider.socket, "history:after", { room: target.room, after: 0 }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("lets a single-use invite in once: a second person, and the first again after leaving, are refused", async () => {
    const { room, owner } = await privateRoom();
    const made = await must(owner.socket, "invite:create", { room, maxUses: 1 });
    const first = await guest("First");
    const second = await guest("Second");
    expect(await request(first.socket, "invite:accept", { token: made.token })).toMatchObject({
      ok: true,
    });
    const again = await request(second.socket, "invite:accept", { token: made.token });
    expect(again).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(!again.ok && again.error.message).toMatch(/used/i);
    expect(await isMember(room, second.userId)).toBe(false);

    await must(first.socket, "member:leave", { room });
    expect(codeOf(await request(first.socket, "invite:accept", { token: made.token }))).toBe(
      "not_found",
    );
    expect(await isMember(room, first.userId)).toBe(false);
    const listed = await must(owner.socket, "invite:list", { room });
    expect(listed.invites.find((i) => i.id === made.invite.id)).toMatchObject({ uses: 1 });
  });

  it("spends a single-use invite once when ten people present it at the same moment", async () => {
    const { room, owner } = await privateRoom();
    const made = await must(owner.socket, "invite:create", { room, maxUses: 1 });
    const crowd = await Promise.all(Array.from({ length: 10 }, (_, i) => guest(`Racer ${i}`)));
    const answers = await Promise.all(
      crowd.map((someone) => request(someone.socket, "invite:accept", { token: made.token })),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    const admitted = await Promise.all(crowd.map((someone) => isMember(room, someone.userId)));
    expect(admitted.filter(Boolean)).toHaveLength(1);
  });

  it("refuses an expired invite, and the invite page says so", async () => {
    const { room, owner } = await privateRoom();
    const made = await must(owner.socket, "invite:create", { room, expiresInMinutes: 1 });
    expireInviteInDatabase(made.invite.id);
    const late = await guest("Late");
    const answer = await request(late.socket, "invite:accept", { token: made.token });
    expect(answer).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(!answer.ok && answer.error.message).toMatch(/expired/i);
    expect(await isMember(room, late.userId)).toBe(false);
    expect(await pageRooms().invite(made.token)).toEqual({
      room,
      problem: expect.stringMatching(/expired/i),
    });
  });

  it("refuses a revoked invite; a moderator of another room cannot revoke this room's", async () => {
    const { room, owner } = await privateRoom();
    const other = await privateRoom();
    const made = await must(owner.socket, "invite:create", { room });
    // Another room's moderator names this invite under their own room, then under this one.
    expect(
      codeOf(
        await request(other.moderator.socket, "invite:revoke", {
          room: other.room,
          id: made.invite.id,
        }),
      ),
    ).toBe("not_found");
    expect(
      codeOf(await request(other.moderator.socket, "invite:revoke", { room, id: made.invite.id })),
    ).toBe("forbidden");
    const stillGood = await guest("Still good");
    expect(await request(stillGood.socket, "invite:accept", { token: made.token })).toMatchObject({
      ok: true,
    });

    await must(owner.socket, "invite:revoke", { room, id: made.invite.id });
    const late = await guest("After revoke");
    const answer = await request(late.socket, "invite:accept", { token: made.token });
    expect(answer).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(!answer.ok && answer.error.message).toMatch(/revoked/i);
    expect(await isMember(room, late.userId)).toBe(false);
    expect(await pageRooms().invite(made.token)).toEqual({
      room,
      problem: expect.stringMatching(/revoked/i),
    });
    expect(await pageRooms().invite(randomBytes(32).toString("base64url"))).toBeNull();
  });

  it("does not reset a member's role or mute when they accept an invite again", async () => {
    const { room, owner, moderator, member } = await privateRoom();
    await must(owner.socket, "member:mute", { room, userId: member.userId, minutes: 60 });
    const made = await must(owner.socket, "invite:create", { room });
    for (const someone of [moderator, member])
      await request(someone.socket, "invite:accept", { token: made.token });
    expect(await roleOf(room, moderator.userId)).toBe("moderator");
    const standing = await server.store.members.standing(room, member.userId);
    expect(standing?.mutedUntil ?? 0).toBeGreaterThan(Date.now());
    expect(
      codeOf(await request(member.socket, "message:send", { room, text: "free!", clientId: "m" })),
    ).toBe("forbidden");
  });
});

describe("climbing roles", () => {
  it.each([
    ["a moderator making a member owner", "moderator", "member", "owner"],
    ["a moderator making a member moderator", "moderator", "member", "moderator"],
    ["a moderator making themselves owner", "moderator", "moderator", "owner"],
    ["a member making themselves moderator", "member", "member", "moderator"],
    ["a member making themselves owner", "member", "member", "owner"],
    ["a member demoting the owner", "member", "owner", "member"],
    ["a moderator demoting the owner", "moderator", "owner", "member"],
    ["the owner demoting themselves (Leave room, not this)", "owner", "owner", "member"],
  ] as const)("refuses %s", async (_case, actor, target, role) => {
    const cast = await privateRoom();
    const before = await roleOf(cast.room, cast[target].userId);
    const answer = await request(cast[actor].socket, "member:role", {
      room: cast.room,
      userId: cast[target].userId,
      role,
    });
    expect(answer).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await roleOf(cast.room, cast[target].userId)).toBe(before);
  });

  it.each([
    ["a member muting a moderator", "member", "moderator", "member:mute"],
    ["a member muting the owner", "member", "owner", "member:mute"],
    ["a member kicking a moderator", "member", "moderator", "member:kick"],
    ["a moderator kicking the owner", "moderator", "owner", "member:kick"],
    ["a moderator banning the owner", "moderator", "owner", "member:ban"],
    ["a moderator muting the owner", "moderator", "owner", "member:mute"],
  ] as const)("refuses %s", async (_case, actor, target, event) => {
    const cast = await privateRoom();
    const payload = { room: cast.room, userId: cast[target].userId, minutes: 60 };
    const answer = await request(cast[actor].socket, event, payload);
    expect(answer).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const standing = await server.store.members.standing(cast.room, cast[target].userId);
    expect(standing).toMatchObject({ banned: false, mutedUntil: null });
    expect(standing?.role).not.toBeNull();
    // The target still speaks.
    expect(
      codeOf(
        await request(cast[target].socket, "message:send", {
          room: cast.room,
          text: "still here",
          clientId: `still-${event.replace(":", "-")}`,
        }),
      ),
    ).toBe("ok");
  });

  it("refuses a moderator kicking another moderator", async () => {
    const cast = await privateRoom();
    const second = await account("Second moderator");
    await must(cast.owner.socket, "member:add", { room: cast.room, userId: second.userId });
    await must(cast.owner.socket, "member:role", {
      room: cast.room,
      userId: second.userId,
      role: "moderator",
    });
    expect(
      await request(cast.moderator.socket, "member:kick", {
        room: cast.room,
        userId: second.userId,
      }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await roleOf(cast.room, second.userId)).toBe("moderator");
  });

  it("ignores who a payload says did it: author, role, by, actor, ownerId are the server's to know", async () => {
    const cast = await privateRoom();
    const { room, owner, member } = cast;
    const impostor = { id: owner.userId, name: owner.name };
    // A member kicking as the owner.
    const kick = await rawRequest(member.socket, "member:kick", {
      room,
      userId: cast.moderator.userId,
      by: impostor,
      actor: impostor,
      role: "owner",
      as: owner.userId,
    });
    expect(kick).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await roleOf(room, cast.moderator.userId)).toBe("moderator");

    // A message sent "by the owner".
    const sent = (await rawRequest(member.socket, "message:send", {
      room,
      text: "signed: the owner",
      clientId: "forged-author",
      author: impostor,
      userId: owner.userId,
      role: "owner",
    })) as { ok: boolean; message?: { author: { id: string } } };
    expect(sent).toMatchObject({ ok: true, message: { author: { id: member.userId } } });

    // A moderator adding someone "as owner", and inviting "as moderator".
    const newcomer = await guest("Newcomer");
    const added = await rawRequest(cast.moderator.socket, "member:add", {
      room,
      userId: newcomer.userId,
      role: "owner",
    });
    expect(added).toMatchObject({ ok: true, change: { role: "member" } });
    expect(await roleOf(room, newcomer.userId)).toBe("member");
    const invite = (await rawRequest(cast.moderator.socket, "invite:create", {
      room,
      role: "moderator",
    })) as { ok: boolean; token: string };
    expect(invite.ok).toBe(true);
    const invited = await guest("Invited");
    await must(invited.socket, "invite:accept", { token: invite.token });
    expect(await roleOf(room, invited.userId)).toBe("member");

    // A room made with someone else named as its owner belongs to its maker.
    const made = roomName("mine");
    const created = await rawRequest(member.socket, "room:create", {
      room: made,
      visibility: "private",
      ownerId: owner.userId,
      owner: impostor,
    });
    expect(created).toMatchObject({ ok: true, room: { ownerId: member.userId } });
    expect(await roleOf(made, owner.userId)).toBeNull();
    expect(await roleOf(made, member.userId)).toBe("owner");
  });

  it("keeps an admin out of other people's direct rooms", async () => {
    const ana = await account("Ana");
    const bea = await account("Bea");
    const opened = await must(ana.socket, "dm:open", { userId: bea.userId });
    await must(ana.socket, "room:join", { room: opened.room.name });
    await must(ana.socket, "message:send", {
      room: opened.room.name,
      text: "just between us",
      clientId: "dm",
    });
    for (const [event, payload] of [
      ["room:join", { room: opened.room.name }],
      ["history:after", { room: opened.room.name, after: 0 }],
      ["members:list", { room: opened.room.name }],
      ["member:kick", { room: opened.room.name, userId: bea.userId }],
      ["room:delete", { room: opened.room.name }],
    ] as const)
      expect(codeOf((await rawRequest(admin.socket, event, payload)) as never), event).toBe(
        "forbidden",
      );
    expect(await isMember(opened.room.name, bea.userId)).toBe(true);
  });
});

describe("malformed moderation", () => {
  // What each payload says is wrong; the target is the room's member, whatever the payload names.
  const rows: [string, string, (room: string, userId: string) => unknown, string][] = [
    [
      "a mute of no minutes",
      "member:mute",
      (room, userId) => ({ room, userId, minutes: 0 }),
      "invalid_payload",
    ],
    [
      "a mute of negative minutes",
      "member:mute",
      (room, userId) => ({ room, userId, minutes: -5 }),
      "invalid_payload",
    ],
    [
      "a mute longer than thirty days",
      "member:mute",
      (room, userId) => ({ room, userId, minutes: 30 * 24 * 60 + 1 }),
      "invalid_payload",
    ],
    [
      "a mute of fractional minutes",
      "member:mute",
      (room, userId) => ({ room, userId, minutes: 1.5 }),
      "invalid_payload",
    ],
    [
      "a mute of minutes as text",
      "member:mute",
      (room, userId) => ({ room, userId, minutes: "60" }),
      "invalid_payload",
    ],
    [
      "a role the rooms do not have",
      "member:role",
      (room, userId) => ({ room, userId, role: "admin" }),
      "invalid_payload",
    ],
    [
      "a user id that no server makes",
      "member:kick",
      (room) => ({ room, userId: "../../etc" }),
      "invalid_payload",
    ],
    [
      "a user id as an object",
      "member:ban",
      (room, userId) => ({ room, userId: { id: userId } }),
      "invalid_payload",
    ],
    [
      "a room name in capitals",
      "member:kick",
      (room, userId) => ({ room: room.toUpperCase(), userId }),
      "invalid_room",
    ],
    [
      "no room at all",
      "member:mute",
      (_room, userId) => ({ userId, minutes: 5 }),
      "invalid_payload",
    ],
    [
      "an invite that lasts no time",
      "invite:create",
      (room) => ({ room, expiresInMinutes: 0 }),
      "invalid_payload",
    ],
    [
      "an invite of more uses than allowed",
      "invite:create",
      (room) => ({ room, maxUses: 1_001 }),
      "invalid_payload",
    ],
    [
      "a topic of two lines",
      "room:update",
      (room) => ({ room, topic: "one\ntwo" }),
      "invalid_payload",
    ],
    [
      "a visibility the rooms do not have",
      "room:update",
      (room) => ({ room, visibility: "direct" }),
      "invalid_payload",
    ],
  ];

  it.each(rows)(
    "refuses %s (%s) with %s, changing nothing",
    async (_case, event, payload, code) => {
      const { room, owner, member } = await privateRoom();
      const before = await server.store.members.standing(room, member.userId);
      const answer = (await rawRequest(owner.socket, event, payload(room, member.userId))) as {
        ok: boolean;
        error?: { code: string };
      };
      expect(codeOf(answer)).toBe(code);
      expect(await server.store.members.standing(room, member.userId)).toEqual(before);
      expect((await server.store.rooms.info(room))?.visibility).toBe("private");
      expect((await must(owner.socket, "invite:list", { room })).invites).toEqual([]);
    },
  );
});

describe("names that collide", () => {
  it("answers room:create of a private room's name with room_exists, revealing nothing of it", async () => {
    const { room, topic } = await privateRoom("the vault code is 1234");
    const outsider = await guest("Outsider");
    for (const visibility of ["public", "private"] as const) {
      const answer = await request(outsider.socket, "room:create", { room, visibility });
      expect(answer).toMatchObject({ ok: false, error: { code: "room_exists" } });
      const said = JSON.stringify(answer);
      for (const secret of [topic, "the secret is the cake", "Owner", "Moderator"])
        expect(said).not.toContain(secret);
    }
    expect(topic).toBe("the vault code is 1234");
  });

  it("refuses an outsider the private room by joining, reading, writing to it or visiting its page", async () => {
    const { room, owner } = await privateRoom();
    const outsider = await guest("Outsider");
    const heardByOwner = collectMessages(owner.socket);
    for (const [event, payload] of [
      ["room:join", { room }],
      ["history:before", { room, before: 100 }],
      ["history:after", { room, after: 0 }],
      ["history:around", { room, seq: 1 }],
      ["changes:after", { room, after: 0 }],
      ["members:list", { room }],
      ["message:send", { room, text: "let me in", clientId: "knock" }],
    ] as const) {
      const answer = (await rawRequest(outsider.socket, event, payload)) as {
        ok: boolean;
        error?: { code: string; message: string };
      };
      expect(answer, event).toEqual({
        ok: false,
        error: { code: "forbidden", message: "You are not a member of this room." },
      });
    }
    const cookie = await server.issueIdentityCookie();
    expect(await pageRooms().access(new Headers({ cookie }), room)).toEqual({
      allowed: false,
      reason: "You are not a member of this room.",
    });
    const listed = await pageRooms().list(new Headers({ cookie }));
    expect(listed.map((r) => r.name)).not.toContain(room);
    await settle(owner.socket);
    expect(heardByOwner.map((m) => m.text)).not.toContain("let me in");
  });

  it("does not let a first message to a private room's name make or reach a room", async () => {
    const { room } = await privateRoom();
    const outsider = await guest("First-message squatter");
    // Joining refused, sending refused: not `not_joined`, not a new public room.
    expect(codeOf(await request(outsider.socket, "room:join", { room }))).toBe("forbidden");
    expect(
      codeOf(
        await request(outsider.socket, "message:send", { room, text: "mine now", clientId: "sq" }),
      ),
    ).toBe("forbidden");
    expect((await server.store.rooms.info(room))?.visibility).toBe("private");
  });

  it.each([
    ["made with room:create", "a", 0],
    ["made by a first message", "b", 1],
  ] as const)(
    "gives a direct conversation a room of its own when a public room %s squats the dm- name it draws",
    async (_how, letter, draw) => {
      const squatter = await guest("Squatter");
      const squatted = `dm-${letter.repeat(20)}`;
      if (draw === 0)
        await must(squatter.socket, "room:create", { room: squatted, visibility: "public" });
      else {
        await must(squatter.socket, "room:join", { room: squatted });
        await must(squatter.socket, "message:send", {
          room: squatted,
          text: "waiting for you two",
          clientId: "squat",
        });
      }
      expect((await server.store.rooms.info(squatted))?.visibility).toBe("public");
      const ana = await account("Ana");
      const bea = await account("Bea");
      // The first name the server draws for their direct room is the squatted one.
      forcedDraws.queue.push(...Array.from({ length: 20 }, () => draw));
      const opened = await must(ana.socket, "dm:open", { userId: bea.userId });
      expect(forcedDraws.queue).toEqual([]);
      expect(opened.room).toMatchObject({ visibility: "direct", directWith: { id: bea.userId } });
      expect(opened.room.name).toMatch(/^dm-[a-z0-9]{20}$/);
      expect(opened.room.name).not.toBe(squatted);
      // The squatter is not in it and cannot get in; the squatted room stays theirs, public.
      expect(codeOf(await request(squatter.socket, "room:join", { room: opened.room.name }))).toBe(
        "forbidden",
      );
      expect((await server.store.rooms.info(squatted))?.visibility).toBe("public");
      expect(await isMember(squatted, ana.userId)).toBe(false);
      expect(await isMember(squatted, bea.userId)).toBe(false);
      expect(await server.store.rooms.directRoom(ana.userId, bea.userId)).toBe(opened.room.name);
      // Opened again, from the other side: the same room.
      const again = await must(bea.socket, "dm:open", { userId: ana.userId });
      expect(again.room.name).toBe(opened.room.name);
    },
  );

  it("refuses dm:open with someone the server has never seen, and with oneself", async () => {
    const ana = await account("Ana");
    expect(
      codeOf(await request(ana.socket, "dm:open", { userId: "no-such-person-anywhere" })),
    ).toBe("not_found");
    const self = await request(ana.socket, "dm:open", { userId: ana.userId });
    expect(self.ok).toBe(false);
  });
});

function pageRooms() {
  return server.app.rooms;
}
