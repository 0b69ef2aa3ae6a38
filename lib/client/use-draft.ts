"use client";

import { useCallback, useEffect, useState } from "react";
import { browserDrafts } from "./drafts";

/** The room's draft, kept in the browser; empty in the server render, then restored. */
export function useDraft(room: string): [string, (text: string) => void] {
  const [text, setText] = useState("");
  useEffect(() => {
    setText(browserDrafts().get(room));
  }, [room]);
  const update = useCallback(
    (next: string) => {
      setText(next);
      browserDrafts().set(room, next);
    },
    [room],
  );
  return [text, update];
}
