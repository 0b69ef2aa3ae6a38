import type { NameTags } from "@/lib/client/name-tags";
import { typingParts } from "@/lib/client/typing-text";
import type { User } from "@/lib/shared/protocol";
import { PersonName } from "./PersonName";

/**
 * Who else is typing. Not a live region: it changes with every pause in
 * someone's typing, and the log already announces what they end up sending.
 * The line keeps its height when empty, so the log does not jump.
 */
export function TypingIndicator({ typists, tags }: { typists: readonly User[]; tags: NameTags }) {
  return (
    <p className="h-5 truncate px-4 text-sm text-zinc-600 italic dark:text-zinc-400">
      {typingParts(typists).map((part) =>
        typeof part === "string" ? (
          part
        ) : (
          <PersonName key={part.id} name={part.name} tag={tags.get(part.id)} />
        ),
      )}
    </p>
  );
}
