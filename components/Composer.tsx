"use client";

import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from "react";
import { MAX_MESSAGE_CODE_POINTS } from "@/lib/shared/limits";
import { codePointLength, hasVisibleText } from "@/lib/shared/text";

/** The counter appears near the limit rather than distracting from ordinary messages. */
const COUNTER_FROM = MAX_MESSAGE_CODE_POINTS - 500;

type Props = {
  onSend: (text: string) => void;
  /** The person is typing (called on every change; the receiver throttles). */
  onTyping: () => void;
  /** The box was emptied, or its text sent. */
  onStopTyping: () => void;
};

export function Composer({ onSend, onTyping, onStopTyping }: Props) {
  const [text, setText] = useState("");
  const textarea = useRef<HTMLTextAreaElement>(null);
  const counterId = useId();
  const length = codePointLength(text);

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!hasVisibleText(text)) return;
    onStopTyping();
    onSend(text);
    setText("");
    textarea.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter sends, Shift+Enter is a new line; never while an IME is composing a character.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form onSubmit={submit} className="flex items-end gap-2 px-3 pb-3">
      <div className="relative min-w-0 flex-1">
        <textarea
          ref={textarea}
          id="composer"
          aria-label="Message"
          aria-describedby={length >= COUNTER_FROM ? counterId : undefined}
          value={text}
          onChange={(event) => {
            const value = event.target.value;
            setText(value);
            if (hasVisibleText(value)) onTyping();
            else onStopTyping();
          }}
          onKeyDown={onKeyDown}
          rows={1}
          placeholder="Write a message"
          className="field-sizing-content block max-h-48 min-h-10 w-full resize-none rounded-lg border border-zinc-400 bg-white px-3 py-2 text-base outline-none placeholder:text-zinc-500 focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-600 dark:bg-zinc-900 dark:placeholder:text-zinc-400"
        />
        {length >= COUNTER_FROM && (
          <span
            id={counterId}
            className={`absolute right-2 bottom-1 text-xs ${length > MAX_MESSAGE_CODE_POINTS ? "font-semibold text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}`}
          >
            {length}/{MAX_MESSAGE_CODE_POINTS}
          </span>
        )}
      </div>
      <button
        type="submit"
        className="h-10 shrink-0 rounded-lg bg-indigo-700 px-4 font-medium text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
      >
        Send
      </button>
    </form>
  );
}
