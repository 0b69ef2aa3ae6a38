"use client";

import { useSyncExternalStore } from "react";
import type { PendingFile } from "./upload-state";
import { browserUploads } from "./uploads";

const none: readonly PendingFile[] = [];
const noSubscription = () => () => {};

/** The page's uploads, re-rendering on every change (progress included). */
export function useUploads(): readonly PendingFile[] {
  return useSyncExternalStore(
    typeof window === "undefined" ? noSubscription : browserUploads().subscribe,
    () => browserUploads().getSnapshot(),
    () => none,
  );
}
