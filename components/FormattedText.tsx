"use client";

import type { Element, ElementContent } from "hast";
import { memo, useState } from "react";
import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { ALLOWED_ELEMENTS } from "@/lib/client/markdown/allowed-elements";
import { rehypeLinkify } from "@/lib/client/markdown/linkify-text";
import { remarkLiteralSyntax } from "@/lib/client/markdown/literal-syntax";
import { rehypeMentions } from "@/lib/client/markdown/mention-text";
import { MENTION_CLASSES, type MentionKind, type MentionMarks } from "@/lib/client/mention-marks";

function textOf(node: ElementContent | Element | undefined): string {
  if (!node) return "";
  if (node.type === "text") return node.value;
  if (node.type === "element") return node.children.map(textOf).join("");
  return "";
}

/** Copies a code block's text; says so for a moment, to the eye and to screen readers. */
function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
      className="rounded border border-zinc-300 bg-white px-2 py-0.5 font-sans text-xs text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-200 dark:hover:bg-zinc-700"
    >
      <span aria-live="polite">{copied ? "Copied" : "Copy"}</span>
    </button>
  );
}

const components: Components = {
  // Links come only from rehypeLinkify, which checked the address and made the text its real host.
  a({ node, href, children }) {
    const external = node?.properties.dataExternal !== "false";
    return (
      <a
        href={href}
        dir="ltr"
        {...(external ? { target: "_blank", rel: "noopener noreferrer" } : {})}
        className="rounded-sm text-indigo-700 underline decoration-1 underline-offset-2 [unicode-bidi:isolate] hover:decoration-2 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
      >
        {children}
      </a>
    );
  },
  p({ children }) {
    return <p className="whitespace-pre-wrap">{children}</p>;
  },
  pre({ node, children }) {
    // Copy sits under the block, not over its corner, where the message's action bar appears.
    return (
      <div className="my-1">
        <pre className="overflow-x-auto whitespace-pre rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-sm [overflow-wrap:normal] dark:border-zinc-700 dark:bg-zinc-900">
          {children}
        </pre>
        <div className="mt-0.5 flex justify-end">
          <CopyButton text={textOf(node?.children[0]).replace(/\n$/, "")} />
        </div>
      </div>
    );
  },
  code({ node, children }) {
    // Inside <pre> the block's own styling applies; inline code gets a chip.
    const inline = node?.position?.start.line === node?.position?.end.line;
    return inline ? (
      <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.9em] dark:bg-zinc-800">
        {children}
      </code>
    ) : (
      <code>{children}</code>
    );
  },
  blockquote({ children }) {
    return (
      <blockquote className="my-1 border-zinc-300 border-l-4 pl-3 text-zinc-700 dark:border-zinc-600 dark:text-zinc-300">
        {children}
      </blockquote>
    );
  },
  ul({ children }) {
    return <ul className="my-1 list-disc pl-6">{children}</ul>;
  },
  ol({ children, start }) {
    return (
      <ol start={start} className="my-1 list-decimal pl-6">
        {children}
      </ol>
    );
  },
  del({ children }) {
    return <del>{children}</del>;
  },
  // Spans come only from rehypeMentions: a mention, styled by whom it names.
  span({ node, children }) {
    const kind = node?.properties.dataMention as MentionKind | undefined;
    return <span className={kind ? MENTION_CLASSES[kind] : undefined}>{children}</span>;
  },
};

/**
 * Message text formatted with a safe subset of Markdown: bold, italic,
 * strikethrough, inline code, fenced code blocks (monospace, scrolling
 * sideways, with a Copy button), block quotes and lists. Raw HTML, Markdown
 * links and images stay the characters typed (lib/client/markdown/), and
 * the parser builds React elements from an allowlist, never HTML strings, so
 * nothing a person types becomes markup. Web addresses become links showing
 * their real host and no invisible or direction-changing characters
 * (lib/client/linkify.ts); links to this app open in this tab, others in a
 * new tab without a handle on this one or a referrer, each isolated from the
 * text around it so a direction override cannot reorder it. Lines are kept,
 * and long words and runs of emoji wrap instead of widening the page.
 */
const FormattedText = memo(function FormattedText({
  text,
  origin,
  mentions,
}: {
  text: string;
  /** Whose links are this app's own (same tab). */
  origin: string | undefined;
  /** The message's mentions, to style; absent: none. */
  mentions?: MentionMarks | undefined;
}) {
  return (
    <div className="space-y-1 break-words [overflow-wrap:anywhere]">
      <Markdown
        remarkPlugins={[[remarkGfm, { singleTilde: false }], remarkLiteralSyntax]}
        rehypePlugins={[
          [rehypeLinkify, { ownOrigin: origin }],
          [rehypeMentions, { marks: mentions }],
        ]}
        components={components}
        allowedElements={ALLOWED_ELEMENTS}
        unwrapDisallowed
        skipHtml
      >
        {text}
      </Markdown>
    </div>
  );
});

export default FormattedText;
