import { linkify } from "@/lib/client/linkify";

/** This page's origin: links to it stay in this tab. Messages render in the browser only. */
function ownOrigin(): string | undefined {
  return typeof window === "undefined" ? undefined : window.location.origin;
}

/**
 * Message text, only ever rendered as text: markup in it is shown, never
 * interpreted. Web addresses become links showing their real host and no
 * invisible or direction-changing characters (lib/client/linkify.ts); links
 * to this app open in this tab, others in a new tab without giving that page
 * a handle on this one or a referrer. Each link is isolated from the text
 * around it, so a direction override in the message cannot reorder it. Lines
 * are kept, and long words and runs of emoji wrap instead of widening the page.
 */
export function MessageText({ text }: { text: string }) {
  return (
    <p className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">
      {linkify(text, ownOrigin()).map((part, i) =>
        part.kind === "link" ? (
          <a
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder.
            key={i}
            href={part.href}
            dir="ltr"
            {...(part.external ? { target: "_blank", rel: "noopener noreferrer" } : {})}
            className="rounded-sm text-indigo-700 underline decoration-1 underline-offset-2 [unicode-bidi:isolate] hover:decoration-2 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
          >
            {part.display}
          </a>
        ) : (
          part.text
        ),
      )}
    </p>
  );
}
