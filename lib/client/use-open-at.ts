"use client";

import { useSearchParams } from "next/navigation";
import { useEffect, useRef } from "react";
import { AT_PARAM, parseAt, withoutAt } from "./open-at";

/** Said when the message a link names is not in the room (deleted for good, or never there). */
export const MESSAGE_NOT_FOUND_TEXT = "That message could not be found in this room.";

/**
 * Opens the room at the message its address names (`?at=<seq>`, see
 * open-at.ts) once the room is joined: `open` loads the history around it
 * and marks it. Then the `at` goes from the address, so that a reload opens
 * the room as usual; a later link to a message of the same room (a search
 * result chosen while here) puts one back and opens again.
 */
export function useOpenAt(
  joined: boolean,
  open: (seq: number) => Promise<boolean>,
  onMissing: (text: string) => void,
): void {
  const at = parseAt(useSearchParams().get(AT_PARAM));
  // The latest callbacks, without the address's seq being opened again when they change.
  const latest = useRef({ open, onMissing });
  useEffect(() => {
    latest.current = { open, onMissing };
  });
  useEffect(() => {
    if (at === null || !joined) return;
    void latest.current.open(at).then((found) => {
      if (!found) latest.current.onMissing(MESSAGE_NOT_FOUND_TEXT);
    });
    const { pathname, search, hash } = window.location;
    // Next keeps its router in step with the History API (useSearchParams sees the change).
    window.history.replaceState(null, "", withoutAt(pathname, search, hash));
  }, [at, joined]);
}
