"use client";

import { type ReactNode, useLayoutEffect, useRef } from "react";

/** Within this many pixels of the end the reader counts as "at the bottom" and the view follows. */
const BOTTOM_SLACK_PX = 48;

type Props = {
  children: ReactNode;
  /** Changes whenever an entry is added at the end, to decide whether to follow. */
  lastKey: string | undefined;
  /** Set when the person just sent: the view always jumps to their message. */
  forceFollowKey: number;
  header?: ReactNode;
  empty?: ReactNode;
};

/** The message log: opens at the newest message and follows new ones while the reader is at the bottom. */
export function MessageList({ children, lastKey, forceFollowKey, header, empty }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the newest entry or a send changes.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [lastKey]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a send always scrolls to the end.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    atBottom.current = true;
    element.scrollTop = element.scrollHeight;
  }, [forceFollowKey]);

  return (
    <div
      ref={scroller}
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current =
          element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
      }}
      className="min-h-0 flex-1 overflow-y-auto overscroll-contain"
    >
      {header}
      <div role="log" aria-label="Messages" aria-live="polite" className="py-2">
        {children}
      </div>
      {empty}
    </div>
  );
}
