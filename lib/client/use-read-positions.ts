"use client";

import { useSyncExternalStore } from "react";
import { pageReadPositions } from "./read-positions";

const none: ReadonlyMap<string, number> = new Map();
const subscribe = (onChange: () => void) => pageReadPositions().subscribe(onChange);
const snapshot = () => pageReadPositions().snapshot();
const ready = () => pageReadPositions().ready();

/** How far the person has read in each room (the browser's, or the account's); empty in the server render. */
export function useReadPositions(): ReadonlyMap<string, number> {
  return useSyncExternalStore(subscribe, snapshot, () => none);
}

/** Whether the read positions have come (an account's come from the server); false in the server render. */
export function useReadPositionsReady(): boolean {
  return useSyncExternalStore(subscribe, ready, () => false);
}
