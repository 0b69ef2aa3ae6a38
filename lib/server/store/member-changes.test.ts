import { describe, expect, it } from "vitest";
import { decideMemberChange, directPair, type MemberState } from "./member-changes";

const none: MemberState = { role: null, banned: false, mutedUntil: null };
const member: MemberState = { role: "member", banned: false, mutedUntil: null };
const owner: MemberState = { ...member, role: "owner" };
const banned: MemberState = { ...none, banned: true };
const mutedMember: MemberState = { ...member, mutedUntil: 1_000 };
const mutedLeaver: MemberState = { ...none, mutedUntil: 1_000 };

describe("decideMemberChange", () => {
  it.each([
    ["a first join", null, { kind: "joined" }, member],
    ["a join after leaving", none, { kind: "joined" }, member],
    ["a join as a member", member, { kind: "joined" }, null],
    ["an owner joining", owner, { kind: "joined" }, null],
    [
      "an add with a role",
      null,
      { kind: "added", role: "moderator" },
      { ...member, role: "moderator" },
    ],
    ["an add of someone banned (an admin's)", banned, { kind: "added" }, member],
    ["a rejoin of someone muted: the mute stays", mutedLeaver, { kind: "joined" }, mutedMember],
    ["leaving", member, { kind: "left" }, none],
    ["leaving while muted: the mute stays", mutedMember, { kind: "left" }, mutedLeaver],
    ["leaving when not a member", none, { kind: "left" }, null],
    ["leaving a room never joined", null, { kind: "left" }, null],
    ["a kick", member, { kind: "kicked" }, none],
    ["a kick of a non-member", none, { kind: "kicked" }, null],
    ["a ban of a member", member, { kind: "banned" }, banned],
    ["a ban of someone never there", null, { kind: "banned" }, banned],
    ["a ban of someone banned", banned, { kind: "banned" }, null],
    ["an unban", banned, { kind: "unbanned" }, none],
    ["an unban of someone not banned", member, { kind: "unbanned" }, null],
    [
      "a role change",
      member,
      { kind: "role", role: "moderator" },
      { ...member, role: "moderator" },
    ],
    ["a role change to the same role", member, { kind: "role", role: "member" }, null],
    ["a role change of a non-member", none, { kind: "role", role: "moderator" }, null],
    ["a mute", member, { kind: "muted", mutedUntil: 1_000 }, mutedMember],
    ["a mute of a non-member", null, { kind: "muted", mutedUntil: 1_000 }, mutedLeaver],
    ["the same mute again", mutedMember, { kind: "muted", mutedUntil: 1_000 }, null],
    [
      "a longer mute",
      mutedMember,
      { kind: "muted", mutedUntil: 2_000 },
      { ...member, mutedUntil: 2_000 },
    ],
    ["an unmute", mutedMember, { kind: "unmuted" }, member],
    ["an unmute of someone not muted", member, { kind: "unmuted" }, null],
  ] as const)("%s", (_case, current, change, expected) => {
    expect(decideMemberChange(current, change)).toEqual(expected);
  });

  it("needs the role of a role change and the end of a mute", () => {
    expect(() => decideMemberChange(member, { kind: "role" })).toThrow(/role/);
    expect(() => decideMemberChange(member, { kind: "muted" })).toThrow(/end/);
  });
});

describe("directPair", () => {
  it("orders the two people the same whichever opens it", () => {
    expect(directPair("b", "a")).toEqual(["a", "b"]);
    expect(directPair("a", "b")).toEqual(["a", "b"]);
  });
});
