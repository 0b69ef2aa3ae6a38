import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ROOM_ROLES, ROOM_VISIBILITIES, type RoomRole } from "../../shared/protocol";
import {
  type ActionOptions,
  can,
  type Person,
  type RoomAction,
  type RoomFacts,
} from "./permissions";

const person = (overrides: Partial<Person> = {}): Person => ({
  userId: "me",
  guest: false,
  admin: false,
  createsPublicRooms: true,
  ...overrides,
});

const room = (overrides: Partial<RoomFacts> = {}): RoomFacts => ({
  exists: true,
  visibility: "public",
  ownerId: "owner",
  member: null,
  banned: false,
  ...overrides,
});

const as = (role: RoomRole | null, extra: Partial<RoomFacts> = {}): RoomFacts =>
  room({ member: role ? { role, mutedUntil: null } : null, ...extra });

const NOW = Date.parse("2026-12-03T12:00:00Z");
const target = (role: RoomRole | null, admin = false) => ({ userId: "them", role, admin });

type Row = [string, Person, RoomAction, RoomFacts, ActionOptions, "allowed" | string];

const rows: Row[] = [
  // Reading
  ["anyone reads a public room", person(), "read", as(null), {}, "allowed"],
  [
    "a non-member cannot read a private room",
    person(),
    "read",
    as(null, { visibility: "private" }),
    {},
    "forbidden",
  ],
  [
    "a member reads a private room",
    person(),
    "read",
    as("member", { visibility: "private" }),
    {},
    "allowed",
  ],
  [
    "an admin reads a private room",
    person({ admin: true }),
    "read",
    as(null, { visibility: "private" }),
    {},
    "allowed",
  ],
  [
    "an admin does not read others' direct rooms",
    person({ admin: true }),
    "read",
    as(null, { visibility: "direct" }),
    {},
    "forbidden",
  ],
  [
    "a banned person cannot read a public room",
    person(),
    "read",
    as(null, { banned: true }),
    {},
    "forbidden",
  ],
  ["a name never used reads as empty", person(), "read", room({ exists: false }), {}, "allowed"],
  // Joining and creating
  ["joining a new public room makes it", person(), "join", room({ exists: false }), {}, "allowed"],
  [
    "unless the operator keeps creation for others",
    person({ createsPublicRooms: false }),
    "join",
    room({ exists: false }),
    {},
    "forbidden",
  ],
  [
    "a non-member cannot join a private room",
    person(),
    "join",
    as(null, { visibility: "private" }),
    {},
    "forbidden",
  ],
  ["a banned person cannot rejoin", person(), "join", as(null, { banned: true }), {}, "forbidden"],
  ["creating a taken name", person(), "create", room(), {}, "room_exists"],
  ["creating a free name", person(), "create", room({ exists: false }), {}, "allowed"],
  [
    "creating a public room where PUBLIC_ROOM_CREATION leaves this person out",
    person({ createsPublicRooms: false }),
    "create",
    room({ exists: false }),
    { visibility: "public" },
    "forbidden",
  ],
  [
    "creating a private room where PUBLIC_ROOM_CREATION leaves this person out",
    person({ createsPublicRooms: false }),
    "create",
    room({ exists: false }),
    { visibility: "private" },
    "allowed",
  ],
  [
    "an admin creating a public room whatever PUBLIC_ROOM_CREATION says",
    person({ createsPublicRooms: false, admin: true }),
    "create",
    room({ exists: false }),
    { visibility: "public" },
    "allowed",
  ],
  // Sending, mutes
  ["a member sends", person(), "send", as("member"), { now: NOW }, "allowed"],
  [
    "a muted member cannot send",
    person(),
    "send",
    as(null, { member: { role: "member", mutedUntil: NOW + 60_000 } }),
    { now: NOW },
    "forbidden",
  ],
  [
    "a mute that ended",
    person(),
    "send",
    as(null, { member: { role: "member", mutedUntil: NOW - 1 } }),
    { now: NOW },
    "allowed",
  ],
  [
    "a muted member cannot react",
    person(),
    "react",
    as(null, { member: { role: "member", mutedUntil: NOW + 1 } }),
    { now: NOW },
    "forbidden",
  ],
  [
    "a non-member cannot send to a private room",
    person(),
    "send",
    as(null, { visibility: "private" }),
    {},
    "forbidden",
  ],
  // Moderation
  [
    "a member cannot delete others' messages",
    person(),
    "delete-any-message",
    as("member"),
    {},
    "forbidden",
  ],
  [
    "a moderator deletes any message",
    person(),
    "delete-any-message",
    as("moderator"),
    {},
    "allowed",
  ],
  [
    "an admin deletes any message",
    person({ admin: true }),
    "delete-any-message",
    as(null),
    {},
    "allowed",
  ],
  [
    "nobody moderates a direct room",
    person(),
    "delete-any-message",
    as("owner", { visibility: "direct" }),
    {},
    "forbidden",
  ],
  ["a member cannot mention everyone", person(), "mention-all", as("member"), {}, "forbidden"],
  ["a moderator mentions everyone", person(), "mention-all", as("moderator"), {}, "allowed"],
  ["an owner mentions everyone", person(), "mention-all", as("owner"), {}, "allowed"],
  [
    "an admin mentions everyone without being a member",
    person({ admin: true }),
    "mention-all",
    as(null),
    {},
    "allowed",
  ],
  [
    "a non-member cannot mention everyone in a public room",
    person(),
    "mention-all",
    as(null),
    {},
    "forbidden",
  ],
  [
    "nobody mentions everyone in a direct room",
    person({ admin: true }),
    "mention-all",
    as("owner", { visibility: "direct" }),
    {},
    "forbidden",
  ],
  [
    "a banned moderator cannot mention everyone",
    person(),
    "mention-all",
    as("moderator", { banned: true }),
    {},
    "forbidden",
  ],
  [
    "a moderator kicks a member",
    person(),
    "kick",
    as("moderator"),
    { target: target("member") },
    "allowed",
  ],
  [
    "a moderator cannot kick a moderator",
    person(),
    "kick",
    as("moderator"),
    { target: target("moderator") },
    "forbidden",
  ],
  [
    "a member cannot mute a moderator",
    person(),
    "mute",
    as("member"),
    { target: target("moderator") },
    "forbidden",
  ],
  [
    "a member cannot mute a member",
    person(),
    "mute",
    as("member"),
    { target: target("member") },
    "forbidden",
  ],
  [
    "nobody acts on an admin but an admin",
    person(),
    "ban",
    as("owner"),
    { target: target("member", true) },
    "forbidden",
  ],
  [
    "an owner bans a non-member ahead of time",
    person(),
    "ban",
    as("owner"),
    { target: target(null) },
    "allowed",
  ],
  [
    "no one kicks themselves",
    person(),
    "kick",
    as("owner"),
    { target: { userId: "me", role: "owner", admin: false } },
    "forbidden",
  ],
  [
    "a moderator cannot make someone owner",
    person(),
    "set-role",
    as("moderator"),
    { target: target("member"), newRole: "owner" },
    "forbidden",
  ],
  [
    "a moderator cannot make someone moderator",
    person(),
    "set-role",
    as("moderator"),
    { target: target("member"), newRole: "moderator" },
    "forbidden",
  ],
  [
    "an owner makes a moderator",
    person(),
    "set-role",
    as("owner"),
    { target: target("member"), newRole: "moderator" },
    "allowed",
  ],
  [
    "an owner cannot make another owner",
    person(),
    "set-role",
    as("owner"),
    { target: target("member"), newRole: "owner" },
    "forbidden",
  ],
  [
    "an admin hands ownership on",
    person({ admin: true }),
    "set-role",
    as(null),
    { target: target("owner"), newRole: "member" },
    "allowed",
  ],
  [
    "a role for a non-member",
    person(),
    "set-role",
    as("owner"),
    { target: target(null), newRole: "member" },
    "not_found",
  ],
  // Settings
  ["an owner changes settings", person(), "update-room", as("owner"), {}, "allowed"],
  ["a moderator does not", person(), "update-room", as("moderator"), {}, "forbidden"],
  ["an owner reads the audit log", person(), "read-audit", as("owner"), {}, "allowed"],
  [
    "a moderator does not read the audit log",
    person(),
    "read-audit",
    as("moderator"),
    {},
    "forbidden",
  ],
  [
    "an admin claims an ownerless room",
    person({ admin: true }),
    "claim",
    as(null, { ownerId: null }),
    {},
    "allowed",
  ],
  [
    "a room with an owner is not claimed",
    person({ admin: true }),
    "claim",
    as(null),
    {},
    "forbidden",
  ],
  ["a member does not claim", person(), "claim", as("member", { ownerId: null }), {}, "forbidden"],
  [
    "a member invites nobody",
    person(),
    "invite",
    as("member", { visibility: "private" }),
    {},
    "forbidden",
  ],
  [
    "a moderator invites",
    person(),
    "invite",
    as("moderator", { visibility: "private" }),
    {},
    "allowed",
  ],
  ["a non-member cannot leave", person(), "leave", as(null), {}, "forbidden"],
  ["a member leaves", person(), "leave", as("member", { visibility: "direct" }), {}, "allowed"],
];

describe("can", () => {
  it.each(rows)("%s", (_name, who, action, facts, options, expected) => {
    const decision = can(who, action, facts, options);
    if (expected === "allowed") expect(decision).toEqual({ allowed: true });
    else
      expect(decision).toMatchObject({
        allowed: false,
        code: expected,
        reason: expect.any(String),
      });
  });

  const roles = fc.constantFrom<RoomRole | null>(null, ...ROOM_ROLES);
  const facts = fc.record({
    exists: fc.boolean(),
    visibility: fc.constantFrom(...ROOM_VISIBILITIES),
    ownerId: fc.constantFrom(null, "owner", "me"),
    member: fc.option(
      fc.record({
        role: fc.constantFrom(...ROOM_ROLES),
        mutedUntil: fc.option(fc.integer({ min: NOW - 10, max: NOW + 10 })),
      }),
      { nil: null },
    ),
    banned: fc.boolean(),
  });
  const people = fc.record({
    userId: fc.constant("me"),
    guest: fc.boolean(),
    admin: fc.boolean(),
    createsPublicRooms: fc.boolean(),
  });
  const actions = fc.constantFrom<RoomAction>("kick", "ban", "unban", "mute", "set-role");

  it("never lets anyone act on a rank at or above their own", () => {
    fc.assert(
      fc.property(
        people,
        facts,
        actions,
        roles,
        fc.boolean(),
        roles,
        (who, room, action, targetRole, targetAdmin, newRole) => {
          const rank = (role: RoomRole | null, admin: boolean) =>
            admin ? 4 : role ? { owner: 3, moderator: 2, member: 1 }[role] : 0;
          const acting = who.admin && room.visibility !== "direct";
          const mine = rank(room.member?.role ?? null, acting);
          const decision = can(who, action, room, {
            target: { userId: "them", role: targetRole, admin: targetAdmin },
            newRole: newRole ?? "member",
          });
          if (!decision.allowed) return;
          expect(room.exists).toBe(true);
          expect(mine).toBeGreaterThanOrEqual(2);
          expect(rank(targetRole, targetAdmin)).toBeLessThan(mine);
          if (action === "set-role") expect(rank(newRole ?? "member", false)).toBeLessThan(mine);
        },
      ),
    );
  });

  it("lets only moderators, owners and admins mention everyone, and never in a direct room", () => {
    fc.assert(
      fc.property(people, facts, (who, room) => {
        const decision = can(who, "mention-all", room);
        const acting = who.admin && room.visibility !== "direct";
        const role = room.member?.role;
        const ranked = acting || role === "moderator" || role === "owner";
        expect(decision.allowed).toBe(
          room.exists && room.visibility !== "direct" && ranked && (!room.banned || acting),
        );
      }),
    );
  });

  it("never reveals a private or direct room to someone who is not in it", () => {
    fc.assert(
      fc.property(people, facts, (who, room) => {
        const outsider = { ...room, exists: true, member: null, visibility: "direct" as const };
        expect(can(who, "read", outsider).allowed).toBe(false);
        const privateRoom = { ...room, exists: true, member: null, visibility: "private" as const };
        expect(can(who, "read", privateRoom).allowed).toBe(who.admin);
      }),
    );
  });

  it("refuses a banned person everything but an admin's reading", () => {
    fc.assert(
      fc.property(
        people,
        facts,
        fc.constantFrom<RoomAction>("read", "join", "send", "react", "type"),
        (who, room, action) => {
          const banned = { ...room, exists: true, banned: true };
          const decision = can(who, action, banned, { now: NOW });
          if (decision.allowed) expect(who.admin && banned.visibility !== "direct").toBe(true);
        },
      ),
    );
  });
});
