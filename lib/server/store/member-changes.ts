import type { MemberChangeKind, RoomRole } from "../../shared/protocol";

/**
 * The rules of changing a membership, apart from any engine: both stores
 * read the row, ask `decideMemberChange` what it becomes, and only then take
 * a rev and write. Who may make a change is not decided here (`can` does,
 * in the handlers); this only says what each kind stores, and that a change
 * which would change nothing takes no rev.
 */

/** What a membership row holds, as the rules see it. */
export type MemberState = {
  /** Null: not a member now. */
  role: RoomRole | null;
  banned: boolean;
  /** Epoch ms; null when not muted. */
  mutedUntil: number | null;
};

export type MemberChangeRequest = {
  kind: MemberChangeKind;
  role?: RoomRole;
  mutedUntil?: number | null;
};

/**
 * The state after the change, or null when it changes nothing. A mute and a
 * ban outlive leaving (so that leaving and joining again does not lift
 * them); becoming a member again lifts a ban only by `joined`/`added`, which
 * the handlers refuse to a banned person unless an admin adds them. A role
 * change of someone who is not a member changes nothing.
 */
export function decideMemberChange(
  current: MemberState | null,
  change: MemberChangeRequest,
): MemberState | null {
  const was: MemberState = current ?? { role: null, banned: false, mutedUntil: null };
  switch (change.kind) {
    case "joined":
    case "added":
      if (was.role !== null) return null;
      return { ...was, role: change.role ?? "member", banned: false };
    case "left":
    case "kicked":
      if (was.role === null) return null;
      return { ...was, role: null };
    case "banned":
      if (was.banned && was.role === null) return null;
      return { ...was, role: null, banned: true };
    case "unbanned":
      if (!was.banned) return null;
      return { ...was, banned: false };
    case "role": {
      const role = change.role;
      if (role === undefined) throw new Error("a role change needs the new role");
      if (was.role === null || was.role === role) return null;
      return { ...was, role };
    }
    case "muted": {
      const until = change.mutedUntil;
      if (until === undefined || until === null) throw new Error("a mute needs its end");
      if (was.mutedUntil === until) return null;
      return { ...was, mutedUntil: until };
    }
    case "unmuted":
      if (was.mutedUntil === null) return null;
      return { ...was, mutedUntil: null };
  }
}

/** The two people of a direct room, in the order its pairing row keeps them. */
export function directPair(a: string, b: string): [low: string, high: string] {
  return a < b ? [a, b] : [b, a];
}
