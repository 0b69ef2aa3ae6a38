"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import { followSessionReads } from "./account-read-positions";
import { browserNetwork } from "./network";
import { browserOutboxStorage } from "./outbox";
import { emptyPresence, onlineView } from "./presence-state";
import { type ActivitySnapshot, RoomActivity } from "./room-activity";
import { RoomClient, type RoomSnapshot } from "./room-client";
import { initialSnapshot } from "./room-store";
import { connectChatSocket, releaseChatSocket } from "./socket";
import { lastSession } from "./transport";
import { browserRoomUploads } from "./uploads";
import { refreshRoomListings } from "./use-room-listings";

const noSubscription = () => () => {};
const placeholders = new Map<string, RoomSnapshot>();
const noActivity: ActivitySnapshot = {
  listed: false,
  online: onlineView(emptyPresence, null),
  typing: [],
};

/** A stable snapshot for the server render and the first client render, before the socket exists. */
function placeholder(room: string): RoomSnapshot {
  let snapshot = placeholders.get(room);
  if (!snapshot) {
    snapshot = initialSnapshot(room, "connecting");
    placeholders.set(room, snapshot);
  }
  return snapshot;
}

type Connected = { client: RoomClient; activity: RoomActivity };

/** Connects to a room for as long as the component is mounted. */
export function useRoom(room: string): {
  snapshot: RoomSnapshot;
  activity: ActivitySnapshot;
  client: RoomClient | null;
  roomActivity: RoomActivity | null;
} {
  const [connected, setConnected] = useState<Connected | null>(null);

  useEffect(() => {
    const socket = connectChatSocket();
    // A signed-in session's read positions are the account's, from the server.
    followSessionReads(socket);
    const client = new RoomClient(socket, room, browserOutboxStorage(), {
      network: browserNetwork(),
      uploads: browserRoomUploads(),
    });
    const activity = new RoomActivity(socket, room);
    // Activity listens first, so it holds the session before the join's events arrive.
    activity.start();
    client.start();
    setConnected({ client, activity });
    // Added to another room, or a direct conversation opened with this person: the lists show it.
    const onMemberChanged = (change: { room: string; user: { id: string } }) => {
      if (change.room !== room && change.user.id === lastSession(socket)?.user.id)
        refreshRoomListings();
    };
    socket.on("member:changed", onMemberChanged);
    return () => {
      socket.off("member:changed", onMemberChanged);
      activity.stop();
      client.stop();
      releaseChatSocket(socket);
      setConnected(null);
    };
  }, [room]);

  const client = connected?.client ?? null;
  const roomActivity = connected?.activity ?? null;
  const snapshot = useSyncExternalStore(
    client?.subscribe ?? noSubscription,
    () => client?.getSnapshot() ?? placeholder(room),
    () => placeholder(room),
  );
  const activity = useSyncExternalStore(
    roomActivity?.subscribe ?? noSubscription,
    () => roomActivity?.getSnapshot() ?? noActivity,
    () => noActivity,
  );
  return { snapshot, activity, client, roomActivity };
}
