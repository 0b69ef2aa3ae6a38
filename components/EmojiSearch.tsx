"use client";

import {
  EmojiPicker,
  type EmojiPickerListCategoryHeaderProps,
  type EmojiPickerListEmojiProps,
  type EmojiPickerListRowProps,
} from "frimousse";

function CategoryHeader({ category, ...props }: EmojiPickerListCategoryHeaderProps) {
  return (
    <div
      className="bg-white px-3 pt-3 pb-1.5 font-medium text-xs text-zinc-700 dark:bg-zinc-950 dark:text-zinc-300"
      {...props}
    >
      {category.label}
    </div>
  );
}

/** frimousse counts rows and columns from 0; ARIA counts them from 1 (axe: aria-valid-attr-value). */
function fromOne(index: unknown): number | undefined {
  return typeof index === "number" ? index + 1 : undefined;
}

function Row({ children, ...props }: EmojiPickerListRowProps) {
  return (
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: frimousse gives the row its role in props.
    <div
      className="scroll-my-1.5 px-1.5"
      {...props}
      aria-rowindex={fromOne(props["aria-rowindex"])}
    >
      {children}
    </div>
  );
}

function Emoji({ emoji, ...props }: EmojiPickerListEmojiProps) {
  return (
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: frimousse gives the button its gridcell role in props.
    <button
      {...props}
      aria-colindex={fromOne(props["aria-colindex"])}
      aria-label={emoji.label}
      title={emoji.label}
      className="flex size-8 items-center justify-center rounded-md text-lg data-[active]:bg-zinc-200 dark:data-[active]:bg-zinc-800"
    >
      {emoji.emoji}
    </button>
  );
}

/**
 * Every emoji, searchable by name: the maintained picker (frimousse), loaded
 * only when a person opens Add reaction (see ReactionPicker), with its data
 * from this origin (app/emoji-data). It is unstyled and styles nothing
 * itself (no injected style sheets, no shadow DOM), so the page's
 * Content-Security-Policy holds; the look is Tailwind's, here.
 */
export default function EmojiSearch({ onPick }: { onPick: (emoji: string) => void }) {
  return (
    <EmojiPicker.Root
      onEmojiSelect={({ emoji }) => onPick(emoji)}
      emojibaseUrl="/emoji-data"
      locale="en"
      columns={8}
      className="isolate flex h-72 w-[19rem] flex-col"
    >
      <EmojiPicker.Search
        aria-label="Search emoji"
        placeholder="Search emoji"
        autoFocus
        className="z-10 mx-2 mt-2 appearance-none rounded-md border border-zinc-400 bg-white px-2.5 py-1.5 text-sm outline-none placeholder:text-zinc-500 focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-600 dark:bg-zinc-900 dark:placeholder:text-zinc-400"
      />
      {/* Focusable, so that a keyboard can scroll it too (axe: scrollable-region-focusable). */}
      <EmojiPicker.Viewport
        tabIndex={0}
        className="relative flex-1 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
      >
        <EmojiPicker.Loading className="absolute inset-0 flex items-center justify-center text-sm text-zinc-600 dark:text-zinc-400">
          Loading…
        </EmojiPicker.Loading>
        <EmojiPicker.Empty className="absolute inset-0 flex items-center justify-center text-sm text-zinc-600 dark:text-zinc-400">
          No emoji found.
        </EmojiPicker.Empty>
        <EmojiPicker.List
          className="select-none pb-1.5"
          components={{ CategoryHeader, Row, Emoji }}
        />
      </EmojiPicker.Viewport>
    </EmojiPicker.Root>
  );
}
