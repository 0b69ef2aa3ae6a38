"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import { browserOutboxStorage } from "./outbox";
import { RoomClient, type RoomSnapshot } from "./room-client";
import { connectChatSocket } from "./socket";
import { emptyTimeline } from "./timeline";

const noSubscription = () => () => {};
const placeholders = new Map<string, RoomSnapshot>();

/** A stable snapshot for the server render and the first client render, before the socket exists. */
function placeholder(room: string): RoomSnapshot {
  let snapshot = placeholders.get(room);
  if (!snapshot) {
    snapshot = {
      room,
      status: "connecting",
      user: null,
      joined: false,
      timeline: emptyTimeline,
      outbox: [],
      loadingOlder: false,
    };
    placeholders.set(room, snapshot);
  }
  return snapshot;
}

/** Connects to a room for as long as the component is mounted. */
export function useRoom(room: string): { snapshot: RoomSnapshot; client: RoomClient | null } {
  const [client, setClient] = useState<RoomClient | null>(null);

  useEffect(() => {
    const socket = connectChatSocket();
    const roomClient = new RoomClient(socket, room, browserOutboxStorage());
    roomClient.start();
    setClient(roomClient);
    return () => {
      roomClient.stop();
      socket.disconnect();
      setClient(null);
    };
  }, [room]);

  const snapshot = useSyncExternalStore(
    client?.subscribe ?? noSubscription,
    () => client?.getSnapshot() ?? placeholder(room),
    () => placeholder(room),
  );
  return { snapshot, client };
}
