"use client";

import { lazy, memo, Suspense } from "react";
import { linkify } from "@/lib/client/linkify";
import { mayBeFormatted } from "@/lib/client/markdown/may-be-formatted";
import { MENTION_CLASSES, type MentionMarks, markMentions } from "@/lib/client/mention-marks";

/** The Markdown renderer is a chunk of its own: the chat's first load does not carry the parser. */
const loadFormattedText = () => import("./FormattedText");
const FormattedText = lazy(loadFormattedText);

/** Starts fetching the Markdown renderer before a formatted message needs it (after the page is up). */
export function preloadFormatting(): void {
  void loadFormattedText();
}

/** This page's origin: links to it stay in this tab. Messages render in the browser only. */
function ownOrigin(): string | undefined {
  return typeof window === "undefined" ? undefined : window.location.origin;
}

/**
 * Message text as typed, only ever rendered as text: web addresses become
 * links showing their real host and no invisible or direction-changing
 * characters (lib/client/linkify.ts); links to this app open in this tab,
 * others in a new tab without giving that page a handle on this one or a
 * referrer. Each link is isolated from the text around it, so a direction
 * override in the message cannot reorder it. Lines are kept, and long words
 * and runs of emoji wrap instead of widening the page.
 */
export function PlainText({
  text,
  origin,
  mentions,
}: {
  text: string;
  origin: string | undefined;
  mentions?: MentionMarks | undefined;
}) {
  return (
    <div className="space-y-1 break-words [overflow-wrap:anywhere]">
      <p className="whitespace-pre-wrap">
        {linkify(text, origin).map((part, i) =>
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
            markMentions(part.text, mentions).map((piece, j) =>
              piece.kind === "text" ? (
                piece.text
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder.
                <span key={`${i}-${j}`} className={MENTION_CLASSES[piece.kind]}>
                  {piece.text}
                </span>
              ),
            )
          ),
        )}
      </p>
    </div>
  );
}

/**
 * A message's text. Plain sentences render as plain text; text with
 * Markdown in it renders formatted (./FormattedText.tsx: bold, italic,
 * strikethrough, code, quotes, lists; never raw HTML), shown as plain text
 * for the moment the renderer takes to arrive.
 */
export const MessageText = memo(function MessageText({
  text,
  origin = ownOrigin(),
  mentions,
}: {
  text: string;
  /** Whose links are this app's own (same tab); the page's origin unless told. */
  origin?: string | undefined;
  /** The message's mentions, styled (the reader's own stand out); absent: none. */
  mentions?: MentionMarks | undefined;
}) {
  if (!mayBeFormatted(text)) return <PlainText text={text} origin={origin} mentions={mentions} />;
  return (
    <Suspense fallback={<PlainText text={text} origin={origin} mentions={mentions} />}>
      <FormattedText text={text} origin={origin} mentions={mentions} />
    </Suspense>
  );
});
