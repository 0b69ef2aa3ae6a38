"use client";

import { useEffect } from "react";
import { AccountReadPositions, followSessionReads } from "./account-read-positions";
import { pageReadPositions, type ReadPositions } from "./read-positions";
import { connectChatSocket, releaseChatSocket } from "./socket";

const nothing: ReadonlyMap<string, number> = new Map();

/** An account's positions before the server has told them: nothing known, nothing to mark yet. */
const awaitingAccount: ReadPositions = {
  snapshot: () => nothing,
  markRead: () => {},
  subscribe: () => () => {},
  ready: () => false,
};

/**
 * A page asked for with an account's session shows the account's read
 * positions, never the browser's (a guest's) while they are on their way.
 * The page's socket brings them (`read:positions`, other devices' marks):
 * the room's, or on the landing page one connected for them alone.
 */
export function useAccountReads(signedIn: boolean): void {
  useEffect(() => {
    if (!signedIn) return;
    const page = pageReadPositions();
    if (!(page.current instanceof AccountReadPositions)) page.use(awaitingAccount);
    const socket = connectChatSocket();
    followSessionReads(socket);
    return () => releaseChatSocket(socket);
  }, [signedIn]);
}
