"use client";

import { useId, useState } from "react";
import { reactorsText } from "@/lib/client/message-actions";
import type { ShownReaction } from "@/lib/client/shown-message";
import type { ReactionUsersResult } from "@/lib/shared/protocol";

type Props = {
  reactions: readonly ShownReaction[];
  me: string | undefined;
  onToggle: (emoji: string) => void;
  /** Who reacted with an emoji, asked only when someone looks. */
  users: (emoji: string) => Promise<ReactionUsersResult>;
};

/** A message's reactions: one button per emoji with its count, pressed when one is the person's. */
export function Reactions({ reactions, me, onToggle, users }: Props) {
  if (reactions.length === 0) return null;
  return (
    <ul aria-label="Reactions" className="mt-1 flex flex-wrap gap-1">
      {reactions.map((reaction) => (
        <li key={reaction.emoji}>
          <ReactionButton
            reaction={reaction}
            me={me}
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
  onToggle,
  users,
}: {
  reaction: ShownReaction;
  me: string | undefined;
  onToggle: () => void;
  users: () => Promise<ReactionUsersResult>;
}) {
  const tooltipId = useId();
  const [who, setWho] = useState<{ count: number; text: string } | null>(null);
  const [open, setOpen] = useState(false);

  function look() {
    setOpen(true);
    if (who?.count === reaction.count) return;
    users().then(
      (result) => setWho({ count: reaction.count, text: reactorsText(result, reaction.emoji, me) }),
      () => setWho(null),
    );
  }

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
