"use client";

import { useCallback, useEffect, useId, useState } from "react";
import { exactTime } from "@/lib/client/relative-time";
import { assignableRoles, canActOn } from "@/lib/client/room-membership";
import { ask, type Requester } from "@/lib/client/socket-request";
import type { Member, RoomRole } from "@/lib/shared/protocol";
import { DANGER_BUTTON, RoomDialog, SECONDARY_BUTTON, SMALL_CONTROL, ToolNote } from "./RoomDialog";

const ROLE_NAMES: Record<RoomRole, string> = {
  owner: "Owner",
  moderator: "Moderator",
  member: "Member",
};

/** How long a mute lasts, in minutes. */
const MUTES = [
  { label: "10 minutes", minutes: 10 },
  { label: "1 hour", minutes: 60 },
  { label: "1 day", minutes: 24 * 60 },
  { label: "7 days", minutes: 7 * 24 * 60 },
] as const;

type Note = { text: string; error: boolean } | null;

const ROLE_ORDER: Record<RoomRole, number> = { owner: 0, moderator: 1, member: 2 };

/** Owners first, then moderators, then everyone else, each by name. */
function byRole(a: Member, b: Member): number {
  return ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.user.name.localeCompare(b.user.name);
}

/**
 * The room's members with their roles; a moderator, owner or admin also gets,
 * for each person ranked below them, a mute, a kick, a ban and a role.
 * The list is read again whenever a membership of the room changes.
 */
export function MembersDialog({
  room,
  client,
  me,
  rank,
  moderate,
  membersRev,
  onClose,
}: {
  room: string;
  client: Requester | null;
  me: string | undefined;
  /** The person's own rank (see room-membership.ts), for what they may do to whom. */
  rank: number;
  moderate: boolean;
  /** Changes with every membership change seen: the list is read again. */
  membersRev: number;
  onClose: () => void;
}) {
  const [members, setMembers] = useState<Member[] | null>(null);
  const [more, setMore] = useState(false);
  const [note, setNote] = useState<Note>(null);

  const load = useCallback(async () => {
    const result = await ask(client, "members:list", { room, limit: 200 });
    if (result.ok) {
      setMembers([...result.members].sort(byRole));
      setMore(result.hasMore);
    } else setNote({ text: result.text, error: true });
  }, [client, room]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: membersRev is the reason to read the list again.
  useEffect(() => {
    void load();
  }, [load, membersRev]);

  async function act(done: Promise<{ ok: true } | { ok: false; text: string }>, said: string) {
    const result = await done;
    setNote(result.ok ? { text: said, error: false } : { text: result.text, error: true });
    void load();
  }

  return (
    <RoomDialog title="Members" onClose={onClose} wide>
      <ToolNote note={note} />
      {members === null ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading members…</p>
      ) : members.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Nobody is a member yet: the room is made by its first message.
        </p>
      ) : (
        <ul
          aria-label="Members"
          className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
        >
          {members.map((member) => (
            <MemberRow
              key={member.user.id}
              member={member}
              isMe={member.user.id === me}
              rank={rank}
              moderate={moderate}
              onMute={(minutes) =>
                act(
                  ask(client, "member:mute", { room, userId: member.user.id, minutes }),
                  `${member.user.name} is muted.`,
                )
              }
              onUnmute={() =>
                act(
                  ask(client, "member:unmute", { room, userId: member.user.id }),
                  `${member.user.name} may write again.`,
                )
              }
              onKick={() =>
                act(
                  ask(client, "member:kick", { room, userId: member.user.id }),
                  `${member.user.name} was removed from the room.`,
                )
              }
              onBan={() =>
                act(
                  ask(client, "member:ban", { room, userId: member.user.id }),
                  `${member.user.name} was banned from the room.`,
                )
              }
              onRole={(role) =>
                act(
                  ask(client, "member:role", { room, userId: member.user.id, role }),
                  `${member.user.name} is now ${ROLE_NAMES[role].toLowerCase()}.`,
                )
              }
            />
          ))}
        </ul>
      )}
      {more && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The room has more members than are listed here.
        </p>
      )}
    </RoomDialog>
  );
}

function MemberRow({
  member,
  isMe,
  rank,
  moderate,
  onMute,
  onUnmute,
  onKick,
  onBan,
  onRole,
}: {
  member: Member;
  isMe: boolean;
  rank: number;
  moderate: boolean;
  onMute: (minutes: number) => void;
  onUnmute: () => void;
  onKick: () => void;
  onBan: () => void;
  onRole: (role: RoomRole) => void;
}) {
  const id = useId();
  const [muteFor, setMuteFor] = useState<number>(MUTES[1].minutes);
  const name = member.user.name;
  const muted = member.mutedUntil !== null && Date.parse(member.mutedUntil) > Date.now();
  const actionable = moderate && !isMe && canActOn(rank, member.role);
  const roles = assignableRoles(rank);
  return (
    <li className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 px-3 py-2 text-sm">
      <div className="min-w-0">
        <p className="truncate font-medium">
          {name}
          {isMe && <span className="font-normal text-zinc-600 dark:text-zinc-400"> (you)</span>}
        </p>
        <p className="text-zinc-600 dark:text-zinc-400">
          {ROLE_NAMES[member.role]}
          {muted && member.mutedUntil && ` · Muted until ${exactTime(new Date(member.mutedUntil))}`}
        </p>
      </div>
      {actionable && (
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={`${id}-role`} className="sr-only">
            Role of {name}
          </label>
          <select
            id={`${id}-role`}
            value={member.role}
            onChange={(event) => onRole(event.target.value as RoomRole)}
            className={SMALL_CONTROL}
          >
            {!roles.includes(member.role) && (
              <option value={member.role}>{ROLE_NAMES[member.role]}</option>
            )}
            {roles.map((role) => (
              <option key={role} value={role}>
                {ROLE_NAMES[role]}
              </option>
            ))}
          </select>
          {muted ? (
            <button
              type="button"
              onClick={onUnmute}
              aria-label={`Unmute ${name}`}
              className={SECONDARY_BUTTON}
            >
              Unmute
            </button>
          ) : (
            <span className="flex items-center gap-1">
              <label htmlFor={`${id}-mute`} className="sr-only">
                Mute {name} for
              </label>
              <select
                id={`${id}-mute`}
                value={muteFor}
                onChange={(event) => setMuteFor(Number(event.target.value))}
                className={SMALL_CONTROL}
              >
                {MUTES.map((option) => (
                  <option key={option.minutes} value={option.minutes}>
                    {option.label}
                  </option>
                ))}
              </select>
              <button
                type="button"
                onClick={() => onMute(muteFor)}
                aria-label={`Mute ${name}`}
                className={SECONDARY_BUTTON}
              >
                Mute
              </button>
            </span>
          )}
          <button
            type="button"
            onClick={onKick}
            aria-label={`Kick ${name}`}
            className={SECONDARY_BUTTON}
          >
            Kick
          </button>
          <button
            type="button"
            onClick={onBan}
            aria-label={`Ban ${name}`}
            className={DANGER_BUTTON}
          >
            Ban
          </button>
        </div>
      )}
    </li>
  );
}
