"use client";

import { useSyncExternalStore } from "react";
import { browserReadPositions } from "./read-positions";

const none: ReadonlyMap<string, number> = new Map();
const subscribe = (onChange: () => void) => browserReadPositions().subscribe(onChange);
const snapshot = () => browserReadPositions().snapshot();

/** How far this browser has read in each room; empty in the server render. */
export function useReadPositions(): ReadonlyMap<string, number> {
  return useSyncExternalStore(subscribe, snapshot, () => none);
}
