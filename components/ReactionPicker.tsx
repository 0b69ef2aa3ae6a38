"use client";

import { lazy, Suspense, useEffect, useRef } from "react";
import { QUICK_REACTIONS } from "@/lib/client/message-actions";
import { toEmoji } from "@/lib/shared/emoji";

/** The full picker is a chunk of its own, fetched the first time a picker opens: the chat's first load does not carry it. */
const EmojiSearch = lazy(() => import("./EmojiSearch"));

/**
 * What Add reaction opens: the common emoji at once, and every emoji with a
 * search as soon as the picker's chunk arrives. Escape or a click outside
 * closes it and gives focus back to the button that opened it.
 */
export function ReactionPicker({
  onPick,
  onClose,
  below = false,
}: {
  onPick: (emoji: string) => void;
  onClose: () => void;
  /** Opens under the message rather than over it (near the top of the log, where above is cut off). */
  below?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    function outside(event: PointerEvent) {
      if (box.current && !box.current.contains(event.target as Node)) onClose();
    }
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [onClose]);

  function pick(emoji: string) {
    // The server stores one spelling of each emoji; use it here too, so the reaction counts with the others.
    const stored = toEmoji(emoji);
    if (stored) onPick(stored);
    onClose();
  }

  return (
    <div
      ref={box}
      role="dialog"
      aria-label="Add reaction"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.stopPropagation();
          onClose();
        }
      }}
      className={`absolute right-2 z-30 ${below ? "top-full mt-1" : "bottom-full mb-1"} rounded-lg border border-zinc-300 bg-white shadow-lg dark:border-zinc-700 dark:bg-zinc-950`}
    >
      <fieldset className="flex gap-0.5 px-1.5 pt-1.5">
        <legend className="sr-only">Common reactions</legend>
        {QUICK_REACTIONS.map((emoji) => (
          <button
            key={emoji}
            type="button"
            aria-label={`React with ${emoji}`}
            onClick={() => pick(emoji)}
            className="flex size-8 items-center justify-center rounded-md text-lg hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-zinc-800"
          >
            {emoji}
          </button>
        ))}
      </fieldset>
      <Suspense
        fallback={
          <p className="flex h-72 w-[19rem] items-center justify-center text-sm text-zinc-600 dark:text-zinc-400">
            Loading…
          </p>
        }
      >
        <EmojiSearch onPick={pick} />
      </Suspense>
    </div>
  );
}
