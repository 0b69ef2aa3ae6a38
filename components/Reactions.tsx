"use client";

import { useEffect, useId, useState } from "react";
import { reactorsText } from "@/lib/client/message-actions";
import type { ShownReaction } from "@/lib/client/shown-message";
import type { ReactionUsersResult } from "@/lib/shared/protocol";

type Props = {
  reactions: readonly ShownReaction[];
  me: string | undefined;
  /** The message has changes of this person's still on their way. */
  pending: boolean;
  onToggle: (emoji: string) => void;
  /** Who reacted with an emoji, asked only when someone looks. */
  users: (emoji: string) => Promise<ReactionUsersResult>;
};

/** A message's reactions: one button per emoji with its count, pressed when one is the person's. */
export function Reactions({ reactions, me, pending, onToggle, users }: Props) {
  if (reactions.length === 0) return null;
  return (
    <ul aria-label="Reactions" className="mt-1 flex flex-wrap gap-1">
      {reactions.map((reaction) => (
        <li key={reaction.emoji}>
          <ReactionButton
            reaction={reaction}
            me={me}
            pending={pending}
            onToggle={() => onToggle(reaction.emoji)}
            users={() => users(reaction.emoji)}
          />
        </li>
      ))}
    </ul>
  );
}

/**
 * Hovering or focusing the button asks who reacted (once per count seen) and
 * shows it as its description: a tooltip to the eye, the button's
 * description to a screen reader.
 */
function ReactionButton({
  reaction,
  me,
  pending,
  onToggle,
  users,
}: {
  reaction: ShownReaction;
  pending: boolean;
  me: string | undefined;
  onToggle: () => void;
  users: () => Promise<ReactionUsersResult>;
}) {
  const tooltipId = useId();
  const [who, setWho] = useState<{ key: string; text: string } | null>(null);
  const [open, setOpen] = useState(false);

  // Asked when someone looks, and again while they look once what is shown moves: the count,
  // whether one is theirs, or their own change reaching the server (an answer given while it
  // was on its way would leave them out).
  const { count, emoji } = reaction;
  const key = `${count}:${reaction.me}:${pending}`;
  const stale = open && who?.key !== key;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `users` is a new closure every render; the key says when to ask.
  useEffect(() => {
    if (!stale) return;
    let current = true;
    users().then(
      (result) => {
        if (current) setWho({ key, text: reactorsText(result, emoji, me) });
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [stale, key, emoji, me]);
  const look = () => setOpen(true);

  const shown = open && who !== null;
  return (
    <span className="relative inline-block">
      <button
        type="button"
        aria-pressed={reaction.me}
        aria-describedby={shown ? tooltipId : undefined}
        onClick={onToggle}
        onPointerEnter={look}
        onFocus={look}
        onPointerLeave={() => setOpen(false)}
        onBlur={() => setOpen(false)}
        className="flex h-6 items-center gap-1 rounded-full border border-zinc-300 bg-white px-2 text-sm tabular-nums hover:border-zinc-500 focus-visible:outline-2 focus-visible:outline-indigo-500 aria-pressed:border-indigo-600 aria-pressed:bg-indigo-50 dark:border-zinc-700 dark:bg-zinc-900 dark:aria-pressed:border-indigo-400 dark:aria-pressed:bg-indigo-950"
      >
        {reaction.emoji} {reaction.count}
      </button>
      {shown && (
        <span
          id={tooltipId}
          role="tooltip"
          className="absolute bottom-full left-0 z-30 mb-1 w-max max-w-64 rounded-md bg-zinc-900 px-2 py-1 text-white text-xs shadow-lg dark:bg-zinc-100 dark:text-zinc-900"
        >
          {who.text}
        </span>
      )}
    </span>
  );
}
