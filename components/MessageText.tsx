import { linkify } from "@/lib/client/linkify";

/**
 * Message text, only ever rendered as text: markup in it is shown, never
 * interpreted. Web addresses become links that open in a new tab without
 * giving the page a handle on this one or a referrer. Lines are kept, and
 * long words and runs of emoji wrap instead of widening the page.
 */
export function MessageText({ text }: { text: string }) {
  return (
    <p className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">
      {linkify(text).map((part, i) =>
        part.kind === "link" ? (
          <a
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder.
            key={i}
            href={part.href}
            target="_blank"
            rel="noopener noreferrer"
            className="rounded-sm text-indigo-700 underline decoration-1 underline-offset-2 hover:decoration-2 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
          >
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </p>
  );
}
