"use client";

import type { Suggestion } from "@/lib/client/mention-autocomplete";

/** The id of one option, for the composer's aria-activedescendant. */
export function suggestionId(listId: string, index: number): string {
  return `${listId}-${index}`;
}

/**
 * The `@name` suggestions under the composer: a listbox the message box
 * controls (its aria-activedescendant names the highlighted option), picked
 * with the arrow keys and Enter or Tab there, or by pointer here — a press
 * keeps the focus in the box, so typing goes on.
 */
export function MentionSuggestions({
  id,
  suggestions,
  highlight,
  onPick,
  onHighlight,
  note,
}: {
  id: string;
  suggestions: readonly Suggestion[];
  highlight: number;
  onPick: (suggestion: Suggestion) => void;
  onHighlight: (index: number) => void;
  /** Said under the list, e.g. that a big room's members were not all loaded. */
  note?: string | undefined;
}) {
  return (
    <div className="absolute right-0 bottom-full left-0 z-20 mb-1 overflow-hidden rounded-lg border border-zinc-300 bg-white shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
      <div
        id={id}
        role="listbox"
        aria-label="People to mention"
        className="max-h-64 overflow-y-auto py-1"
      >
        {suggestions.map((suggestion, index) => (
          <div
            key={suggestion.kind === "person" ? suggestion.id : `@${suggestion.name}`}
            id={suggestionId(id, index)}
            role="option"
            aria-selected={index === highlight}
            // Focus stays in the message box (its aria-activedescendant points here); -1 only lets a pointer reach it.
            tabIndex={-1}
            onKeyDown={(event) => {
              if (event.key === "Enter") onPick(suggestion);
            }}
            onMouseDown={(event) => event.preventDefault()}
            onMouseEnter={() => onHighlight(index)}
            onClick={() => onPick(suggestion)}
            className={`flex cursor-pointer items-baseline gap-2 px-3 py-1.5 text-sm ${
              index === highlight
                ? "bg-indigo-100 text-indigo-950 dark:bg-indigo-900 dark:text-indigo-50"
                : "text-zinc-900 dark:text-zinc-100"
            }`}
          >
            <span className="font-medium">
              {suggestion.kind === "all" ? `@${suggestion.name}` : suggestion.name}
            </span>
            {suggestion.kind === "all" && (
              <span className="text-xs text-zinc-600 dark:text-zinc-300">
                {suggestion.description}
              </span>
            )}
          </div>
        ))}
      </div>
      {note && (
        <p className="border-zinc-200 border-t px-3 py-1 text-xs text-zinc-600 dark:border-zinc-700 dark:text-zinc-300">
          {note}
        </p>
      )}
    </div>
  );
}
