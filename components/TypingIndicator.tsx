import { typingText } from "@/lib/client/typing-text";
import type { User } from "@/lib/shared/protocol";

/**
 * Who else is typing. Not a live region: it changes with every pause in
 * someone's typing, and the log already announces what they end up sending.
 * The line keeps its height when empty, so the log does not jump.
 */
export function TypingIndicator({ typists }: { typists: readonly User[] }) {
  return (
    <p className="h-5 truncate px-4 text-sm text-zinc-600 italic dark:text-zinc-400">
      {typingText(typists.map((user) => user.name))}
    </p>
  );
}
