import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import type {
  ChatMessage,
  MemberChange,
  RequestEvent,
  RequestOf,
  SessionInfo,
} from "../../shared/protocol";
import { NOT_A_MEMBER } from "../rooms/permissions";
import { newTestAccount, signUp } from "../testing/accounts";
import { type ChatTestServer, eventually, request, settle } from "../testing/chat-test-server";
import { redisDeployment, type TestDeployment } from "../testing/test-deployments";

/*
 * Removal across instances (real Postgres, real Redis): a moderator on
 * instance A removes someone connected to instance B. B must drop their
 * connection from the room (through the adapter) and its cached membership
 * (through the instances' own events) at once: from then on nothing of the
 * room reaches them, live or by catching up, and every request about it is
 * refused.
 */

/** The bound for a removal to take effect on every instance. */
const REMOVAL_WITHIN_MS = 1_000;

type Person = { socket: ChatClientSocket; session: SessionInfo; userId: string; cookie: string };

async function must<E extends RequestEvent>(
  socket: ChatClientSocket,
  event: E,
  payload: RequestOf<E>,
) {
  const result = await request(socket, event, payload);
  if (!result.ok)
    throw new Error(
      `${event} ${JSON.stringify(payload)}: ${result.error.code} ${result.error.message}`,
    );
  return result;
}

async function codeOf<E extends RequestEvent>(
  socket: ChatClientSocket,
  event: E,
  payload: RequestOf<E>,
): Promise<string> {
  const result = await request(socket, event, payload);
  return result.ok ? "ok" : result.error.code;
}

function collect<T>(socket: ChatClientSocket, event: "message:created" | "member:changed"): T[] {
  const heard: T[] = [];
  (socket as unknown as { on(e: string, l: (p: T) => void): void }).on(event, (p) => heard.push(p));
  return heard;
}

describe("removal from a room across two instances on Postgres and Redis", () => {
  let deployment: TestDeployment;
  let a: ChatTestServer;
  let b: ChatTestServer;
  let counter = 0;

  beforeAll(async () => {
    deployment = await redisDeployment();
    a = deployment.servers[0] as ChatTestServer;
    b = deployment.servers[1] as ChatTestServer;
    // The deployment's first account is its admin: kept out of the way.
    await signUp(a, newTestAccount("Admin"));
  }, 60_000);
  afterAll(async () => {
    await deployment?.dispose();
  });

  async function person(name: string, on: ChatTestServer): Promise<Person> {
    const account = await signUp(a, newTestAccount(name));
    const { socket, session } = await on.connect({ extraHeaders: { cookie: account.cookie } });
    return { socket, session, userId: session.user.id, cookie: account.cookie };
  }

  /** A private room made on A by its owner, with a moderator on A and the given members added. */
  async function privateRoom(members: Person[]) {
    counter += 1;
    const room = `removal-${counter}-${Date.now().toString(36)}`;
    const owner = await person("Owner", a);
    const moderator = await person("Moderator", a);
    await must(owner.socket, "room:create", { room, visibility: "private" });
    for (const someone of [moderator, ...members])
      await must(owner.socket, "member:add", { room, userId: someone.userId });
    await must(owner.socket, "member:role", {
      room,
      userId: moderator.userId,
      role: "moderator",
    });
    for (const someone of [owner, moderator, ...members])
      await must(someone.socket, "room:join", { room });
    return { room, owner, moderator };
  }

  it("stops a member kicked on A from hearing the room on B, live or by catching up, and refuses them everything", async () => {
    const kicked = await person("Kicked", b);
    const bystander = await person("Bystander", b);
    const { room, owner, moderator } = await privateRoom([kicked, bystander]);
    // Their second tab, on A itself: removal reaches every connection of theirs.
    const secondTab = (await a.connect({ extraHeaders: { cookie: kicked.cookie } })).socket;
    await must(secondTab, "room:join", { room });
    const heardByKicked = collect<ChatMessage>(kicked.socket, "message:created");
    const heardBySecondTab = collect<ChatMessage>(secondTab, "message:created");
    const heardByBystander = collect<ChatMessage>(bystander.socket, "message:created");
    const changesToKicked = collect<MemberChange>(kicked.socket, "member:changed");

    const before = await must(owner.socket, "message:send", {
      room,
      text: "before the kick",
      clientId: "before",
    });
    await eventually(() => expect(heardByKicked.map((m) => m.text)).toContain("before the kick"));
    const seen = await must(kicked.socket, "changes:after", { room, after: 0 });
    const lastRev = Math.max(
      0,
      ...seen.messages.map((m) => m.rev),
      ...seen.members.map((m) => m.rev),
    );

    const kickedAt = Date.now();
    const kick = await must(moderator.socket, "member:kick", { room, userId: kicked.userId });
    expect(kick.change).toMatchObject({ kind: "kicked", role: null, user: { id: kicked.userId } });
    // Sent on A the moment the kick is acknowledged: none may reach the kicked person.
    const after: { message: ChatMessage }[] = [];
    for (let i = 1; i <= 5; i++)
      after.push(
        await must(owner.socket, "message:send", {
          room,
          text: `after ${i}`,
          clientId: `after-${i}`,
        }),
      );

    // The removed person is told, on B, within the bound.
    await eventually(
      () => expect(changesToKicked.map((c) => c.kind)).toContain("kicked"),
      REMOVAL_WITHIN_MS,
    );
    const toldIn = Date.now() - kickedAt;
    expect(toldIn).toBeLessThan(REMOVAL_WITHIN_MS);

    // Every request about the room, from the moment they are told: refused as a non-member's.
    const refusals = {
      join: await request(kicked.socket, "room:join", { room }),
      joinSince: await request(kicked.socket, "room:join", { room, since: before.message.seq }),
      historyBefore: await request(kicked.socket, "history:before", { room, before: 1_000 }),
      historyAfter: await request(kicked.socket, "history:after", {
        room,
        after: before.message.seq,
      }),
      historyAround: await request(kicked.socket, "history:around", { room, seq: 2 }),
      changes: await request(kicked.socket, "changes:after", { room, after: lastRev }),
      send: await request(kicked.socket, "message:send", {
        room,
        text: "still here?",
        clientId: "kicked-send",
      }),
      react: await request(kicked.socket, "reaction:add", {
        room,
        id: before.message.id,
        emoji: "👍",
      }),
      members: await request(kicked.socket, "members:list", { room }),
      read: await request(kicked.socket, "read:mark", { room, seq: 3 }),
    };
    for (const [what, answer] of Object.entries(refusals)) {
      expect(answer, what).toMatchObject({
        ok: false,
        error: { code: "forbidden", message: NOT_A_MEMBER },
      });
    }

    // Typing on B no longer reaches the room on A; the room's typing no longer reaches them.
    const typingHeardByOwner: string[] = [];
    const typingHeardByKicked: string[] = [];
    (
      owner.socket as unknown as { on(e: string, l: (t: { user: { id: string } }) => void): void }
    ).on("typing:started", (t) => typingHeardByOwner.push(t.user.id));
    (
      kicked.socket as unknown as { on(e: string, l: (t: { user: { id: string } }) => void): void }
    ).on("typing:started", (t) => typingHeardByKicked.push(t.user.id));
    const emit = (socket: ChatClientSocket, event: string, payload: unknown) =>
      (socket as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
    emit(kicked.socket, "typing:start", { room });
    emit(bystander.socket, "typing:start", { room });
    await eventually(() => expect(typingHeardByOwner).toContain(bystander.userId));
    await settle(kicked.socket);
    await settle(owner.socket);
    expect(typingHeardByOwner).not.toContain(kicked.userId);
    expect(typingHeardByKicked).toEqual([]);

    // The bystander on B heard everything, so B had it all; the kicked person heard nothing after.
    await eventually(() =>
      expect(heardByBystander.map((m) => m.text)).toEqual([
        "before the kick",
        ...after.map((s) => s.message.text),
      ]),
    );
    await settle(kicked.socket);
    expect(heardByKicked.map((m) => m.text)).toEqual(["before the kick"]);
    await settle(secondTab);
    expect(heardBySecondTab.map((m) => m.text)).toEqual(["before the kick"]);
    expect(await codeOf(secondTab, "history:after", { room, after: 0 })).toBe("forbidden");
    // Nothing was stored by the kicked person's attempt.
    const page = await b.store.messages.after(room, 0, 50);
    expect(page.messages.map((m) => m.text)).not.toContain("still here?");
  });

  it("refuses a member kicked on A on B at once, even on a request sent the moment they are told", async () => {
    const kicked = await person("Kicked fast", b);
    const { room, moderator } = await privateRoom([kicked]);
    const answers: Promise<string>[] = [];
    (kicked.socket as unknown as { on(e: string, l: (c: MemberChange) => void): void }).on(
      "member:changed",
      (change) => {
        if (change.kind !== "kicked" || change.user.id !== kicked.userId) return;
        answers.push(
          codeOf(kicked.socket, "message:send", { room, text: "too late", clientId: "fast" }),
          codeOf(kicked.socket, "history:after", { room, after: 0 }),
        );
      },
    );
    await must(moderator.socket, "member:kick", { room, userId: kicked.userId });
    await eventually(() => expect(answers).toHaveLength(2));
    expect(await Promise.all(answers)).toEqual(["forbidden", "forbidden"]);
  });

  it("keeps a member banned on A from coming back on B: not by joining, not by an invite", async () => {
    const banned = await person("Banned", b);
    const { room, owner, moderator } = await privateRoom([banned]);
    await must(moderator.socket, "member:ban", { room, userId: banned.userId });
    await eventually(async () => {
      expect(await codeOf(banned.socket, "room:join", { room })).toBe("forbidden");
    }, REMOVAL_WITHIN_MS);
    const invite = await must(owner.socket, "invite:create", { room, expiresInMinutes: 60 });
    expect(await codeOf(banned.socket, "invite:accept", { token: invite.token })).toBe("forbidden");
    expect(await codeOf(banned.socket, "room:join", { room })).toBe("forbidden");
    // The invite was not spent on them, and they are no member.
    const members = await must(owner.socket, "members:list", { room });
    expect(members.members.map((m) => m.user.id)).not.toContain(banned.userId);
  });

  it("in a public room: kicked on A may join again on B; banned on A may not", async () => {
    counter += 1;
    const room = `public-removal-${counter}-${Date.now().toString(36)}`;
    const owner = await person("Public owner", a);
    const kicked = await person("Public kicked", b);
    const banned = await person("Public banned", b);
    await must(owner.socket, "room:create", { room, visibility: "public" });
    for (const someone of [owner, kicked, banned])
      await must(someone.socket, "room:join", { room });
    const heardByBanned = collect<ChatMessage>(banned.socket, "message:created");

    await must(owner.socket, "member:kick", { room, userId: kicked.userId });
    await must(owner.socket, "member:ban", { room, userId: banned.userId });
    await must(owner.socket, "message:send", { room, text: "after the ban", clientId: "pb" });

    expect(await codeOf(kicked.socket, "room:join", { room })).toBe("ok");
    for (const [event, payload] of [
      ["room:join", { room }],
      ["history:after", { room, after: 0 }],
      ["message:send", { room, text: "let me back", clientId: "banned-send" }],
    ] as const)
      expect(await codeOf(banned.socket, event, payload as never), event).toBe("forbidden");
    await settle(banned.socket);
    expect(heardByBanned.map((m) => m.text)).not.toContain("after the ban");
  });

  it("tells members on B that the room was deleted on A, and keeps nothing of it to read", async () => {
    const member = await person("Member of a deleted room", b);
    const { room, owner } = await privateRoom([member]);
    const heard = collect<ChatMessage>(member.socket, "message:created");
    await must(owner.socket, "message:send", { room, text: "soon gone", clientId: "gone" });
    await eventually(() => expect(heard.map((m) => m.text)).toEqual(["soon gone"]));
    const updates: { name: string; deleted?: boolean }[] = [];
    (
      member.socket as unknown as {
        on(e: string, l: (u: { name: string; deleted?: boolean }) => void): void;
      }
    ).on("room:updated", (update) => updates.push(update));
    await must(owner.socket, "room:delete", { room });
    await eventually(
      () => expect(updates).toContainEqual(expect.objectContaining({ name: room, deleted: true })),
      REMOVAL_WITHIN_MS,
    );
    // The name is free again; whatever is read under it now holds nothing of the old room.
    const page = await request(member.socket, "history:after", { room, after: 0 });
    if (page.ok) expect(page.messages).toEqual([]);
    const changes = await request(member.socket, "changes:after", { room, after: 0 });
    if (changes.ok) expect(changes.messages).toEqual([]);
    expect(await b.store.rooms.info(room)).toBeNull();
    // Someone else makes a private room under the freed name on A: the old member, whose
    // standing B had remembered, is no member of it, and their connection is not in it.
    const newcomer = await person("New owner of the name", a);
    await must(newcomer.socket, "room:create", { room, visibility: "private" });
    await must(newcomer.socket, "room:join", { room });
    await must(newcomer.socket, "message:send", { room, text: "a new room", clientId: "new" });
    await eventually(async () => {
      expect(await codeOf(member.socket, "room:join", { room })).toBe("forbidden");
    }, REMOVAL_WITHIN_MS);
    for (const [event, payload] of [
      ["history:after", { room, after: 0 }],
      ["changes:after", { room, after: 0 }],
      ["message:send", { room, text: "I was here first", clientId: "old-member" }],
    ] as const)
      expect(await codeOf(member.socket, event, payload as never), event).toBe("forbidden");
    await settle(member.socket);
    expect(heard.map((m) => m.text)).toEqual(["soon gone"]);
  });

  it("lets someone added on A in on B at once, though B refused them a moment before", async () => {
    const newcomer = await person("Newcomer", b);
    const { room, owner } = await privateRoom([]);
    expect(await codeOf(newcomer.socket, "room:join", { room })).toBe("forbidden");
    const told = collect<MemberChange>(newcomer.socket, "member:changed");
    await must(owner.socket, "member:add", { room, userId: newcomer.userId });
    // Told on B, though not in the room: the change goes to the person wherever they are.
    await eventually(
      () =>
        expect(told).toContainEqual(
          expect.objectContaining({
            room,
            kind: "added",
            user: expect.objectContaining({ id: newcomer.userId }),
          }),
        ),
      REMOVAL_WITHIN_MS,
    );
    await eventually(async () => {
      expect(await codeOf(newcomer.socket, "room:join", { room })).toBe("ok");
    }, REMOVAL_WITHIN_MS);
    const heard = collect<ChatMessage>(newcomer.socket, "message:created");
    await must(owner.socket, "message:send", { room, text: "welcome", clientId: "welcome" });
    await eventually(() => expect(heard.map((m) => m.text)).toEqual(["welcome"]));
  });
});
