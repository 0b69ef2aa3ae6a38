"use client";

import { useEffect, useState } from "react";
import type { MentionCandidate } from "../shared/mentions";
import { MAX_MEMBERS_PAGE } from "../shared/protocol";
import { ask, type Requester } from "./socket-request";

/** What the composer suggests from: the room's first page of members, and whether there are more. */
export type RoomMembers = { members: readonly MentionCandidate[]; more: boolean };

const EMPTY: RoomMembers = { members: [], more: false };

/** Per room, the members as last read, and the membership rev they were read at. */
const cache = new Map<string, { rev: number; members: RoomMembers }>();

/**
 * The room's members for `@` suggestions, read with `members:list` only once
 * they are wanted (the person typed `@`), kept per room for the page's life
 * and read again when a membership change is seen (`membersRev`). A room
 * with more than one page of members suggests from the first page only
 * (`more` says so); the server still resolves any member's name when sent.
 */
export function useRoomMembers(
  client: Requester | null,
  room: string,
  membersRev: number,
  wanted: boolean,
): RoomMembers {
  const cached = cache.get(room);
  const [members, setMembers] = useState<RoomMembers>(cached?.members ?? EMPTY);
  useEffect(() => {
    const known = cache.get(room);
    if (known) setMembers(known.members);
    if (!wanted || !client || (known && known.rev === membersRev)) return;
    let cancelled = false;
    void ask(client, "members:list", { room, limit: MAX_MEMBERS_PAGE }).then((result) => {
      if (!result.ok) return;
      const read: RoomMembers = {
        members: result.members.map((m) => ({ id: m.user.id, name: m.user.name })),
        more: result.hasMore,
      };
      cache.set(room, { rev: membersRev, members: read });
      if (!cancelled) setMembers(read);
    });
    return () => {
      cancelled = true;
    };
  }, [client, room, membersRev, wanted]);
  return members;
}
