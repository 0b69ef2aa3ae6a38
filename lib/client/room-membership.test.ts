import { describe, expect, it } from "vitest";
import type { MemberChange, MemberChangeKind, OwnMembership, RoomRole } from "../shared/protocol";
import {
  assignableRoles,
  canActOn,
  endFromChange,
  endFromRefusal,
  membershipAfter,
  muteEnd,
  rankIn,
  roomPowers,
  roomTitle,
} from "./room-membership";

const ME = "me-1";
const ada = { id: "ada-1", name: "Ada" };

function change(
  kind: MemberChangeKind,
  role: RoomRole | null,
  userId = ME,
  mutedUntil: string | null = null,
): MemberChange {
  return {
    room: "lab",
    rev: 7,
    user: { id: userId, name: userId === ME ? "Me" : "Ada" },
    kind,
    role,
    mutedUntil,
    by: ada,
    at: "2026-01-01T00:00:00.000Z",
  };
}

describe("membershipAfter", () => {
  const member: OwnMembership = { role: "member", mutedUntil: null };
  it.each<[string, OwnMembership, MemberChange, string | undefined, OwnMembership]>([
    ["someone else's change leaves mine", member, change("kicked", null, "ada-1"), ME, member],
    [
      "before the session is known nothing is mine",
      member,
      change("kicked", null),
      undefined,
      member,
    ],
    ["joining makes me a member", null, change("joined", "member"), ME, member],
    [
      "a role change is mine",
      member,
      change("role", "moderator"),
      ME,
      { role: "moderator", mutedUntil: null },
    ],
    [
      "a mute carries its end",
      member,
      change("muted", "member", ME, "2026-01-01T01:00:00.000Z"),
      ME,
      { role: "member", mutedUntil: "2026-01-01T01:00:00.000Z" },
    ],
    ["being kicked ends it", member, change("kicked", null), ME, null],
    ["leaving ends it", member, change("left", null), ME, null],
  ])("%s", (_, current, c, me, expected) => {
    expect(membershipAfter(current, c, me)).toEqual(expected);
  });
});

describe("endFromChange", () => {
  it.each([
    [
      "kicked from a public room: may join again",
      change("kicked", null),
      "public",
      { kind: "removed", canJoinAgain: true },
    ],
    [
      "kicked from a private room",
      change("kicked", null),
      "private",
      { kind: "removed", canJoinAgain: false },
    ],
    [
      "banned from a public room: never again",
      change("banned", null),
      "public",
      { kind: "removed", canJoinAgain: false },
    ],
    ["left a public room", change("left", null), "public", { kind: "left", canJoinAgain: true }],
    ["left a direct room", change("left", null), "direct", { kind: "left", canJoinAgain: false }],
    ["muted is no end", change("muted", "member"), "private", null],
    ["someone else kicked is no end of mine", change("kicked", null, "ada-1"), "private", null],
  ] as const)("%s", (_, c, visibility, expected) => {
    expect(endFromChange(c, ME, visibility)).toEqual(expected);
  });
});

describe("endFromRefusal", () => {
  it.each([
    [
      "forbidden",
      "You are not a member of this room.",
      { kind: "not-member", reason: "You are not a member of this room." },
    ],
    ["unavailable", "Try again.", null],
    ["rate_limited", "Slow down.", null],
    ["not_found", "There is no such room.", null],
  ] as const)("%s", (code, message, expected) => {
    expect(endFromRefusal({ code, message })).toEqual(expected);
  });
});

describe("roomPowers", () => {
  const as = (role: RoomRole | null): OwnMembership => (role ? { role, mutedUntil: null } : null);
  it.each([
    // visibility, role, admin → invite, moderate, settings, audit, leave
    ["public", null, false, [false, false, false, false, false]],
    ["public", "member", false, [false, false, false, false, true]],
    ["private", "moderator", false, [true, true, false, false, true]],
    ["private", "owner", false, [true, true, true, true, true]],
    ["public", null, true, [true, true, true, true, false]],
    // A direct room has no moderators, and admins are like anyone there.
    ["direct", "member", false, [false, false, false, false, true]],
    ["direct", null, true, [false, false, false, false, false]],
  ] as const)("%s room, role %s, admin %s", (visibility, role, admin, expected) => {
    const powers = roomPowers({ visibility }, as(role), admin);
    expect([powers.invite, powers.moderate, powers.settings, powers.audit, powers.leave]).toEqual(
      expected,
    );
    expect(powers.deleteOthers).toBe(powers.moderate);
  });

  it.each([
    ["an admin, an ownerless public room", "public", null, true, true],
    ["an admin, a room with an owner", "public", "someone", true, false],
    ["an admin, an ownerless direct room", "direct", null, true, false],
    ["an owner who is no admin", "private", null, false, false],
  ] as const)("claim: %s", (_case, visibility, ownerId, admin, expected) => {
    expect(roomPowers({ visibility, ownerId }, as("owner"), admin).claim).toBe(expected);
  });
});

describe("acting on others", () => {
  it.each([
    ["owner on a moderator", 3, "moderator", true],
    ["owner on an owner", 3, "owner", false],
    ["moderator on a member", 2, "member", true],
    ["moderator on a moderator", 2, "moderator", false],
    ["member on a member", 1, "member", false],
    ["admin on the owner", 4, "owner", true],
  ] as const)("%s", (_, rank, role, expected) => {
    expect(canActOn(rank, role)).toBe(expected);
  });

  it.each([
    [4, ["owner", "moderator", "member"]],
    [3, ["moderator", "member"]],
    [2, ["member"]],
    [1, []],
  ])("rank %i gives %j", (rank, roles) => {
    expect(assignableRoles(rank)).toEqual(roles);
  });

  it("ranks an admin above an owner except in a direct room", () => {
    expect(rankIn({ visibility: "private" }, null, true)).toBe(4);
    expect(rankIn({ visibility: "direct" }, { role: "member", mutedUntil: null }, true)).toBe(1);
  });
});

describe("muteEnd", () => {
  const now = Date.parse("2026-01-01T00:30:00.000Z");
  it.each([
    ["not a member", null, null],
    ["not muted", { role: "member", mutedUntil: null }, null],
    [
      "muted until later",
      { role: "member", mutedUntil: "2026-01-01T01:00:00.000Z" },
      "2026-01-01T01:00:00.000Z",
    ],
    ["a mute that has ended", { role: "member", mutedUntil: "2026-01-01T00:00:00.000Z" }, null],
  ] as const)("%s", (_, membership, expected) => {
    expect(muteEnd(membership, now)?.toISOString() ?? null).toBe(expected);
  });
});

describe("roomTitle", () => {
  it("names a direct room by the other person, others by their name", () => {
    expect(roomTitle("dm-abc", { directWith: ada })).toBe("Ada");
    expect(roomTitle("lab", {})).toBe("#lab");
    expect(roomTitle("lab", null)).toBe("#lab");
  });
});
