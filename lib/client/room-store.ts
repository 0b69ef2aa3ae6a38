import type { ProtocolError } from "../shared/errors";
import type { OwnMembership, RoomInfo, User } from "../shared/protocol";
import { isSend, type OutboxEntry, type OutboxOperation } from "./outbox";
import type { RoomEnd } from "./room-membership";
import { type ShownMessage, showMessages } from "./shown-message";
import { emptyTimeline, type Timeline } from "./timeline";
import type { ConnectionStatus } from "./transport";

/** A change the server refused: it has left the outbox, and the person is told why. */
export type RefusedChange = { operation: OutboxOperation; error: ProtocolError };

export type RoomSnapshot = {
  room: string;
  status: ConnectionStatus;
  user: User | null;
  /** True once the room's history has been received on the current connection. */
  joined: boolean;
  timeline: Timeline;
  /**
   * What the timeline shows: the held messages (ascending seq) with this
   * person's pending edits, deletes and reactions applied, `pending` on those
   * with one waiting.
   */
  shown: readonly ShownMessage[];
  /** This browser's unacknowledged messages for the room, oldest first. */
  outbox: readonly OutboxEntry[];
  /** After a jump far back: newer messages exist that are not loaded (`loadNewer` fetches them). */
  hasNewer: boolean;
  loadingOlder: boolean;
  loadingNewer: boolean;
  /** The latest change the server refused (not yours, no such message, …), until the next one. */
  refused: RefusedChange | null;
  /** A server admin (the session's account role): acts in every room but direct ones. */
  admin: boolean;
  /** The room's settings, from the join's answer and `room:updated`; null until the first join. */
  info: RoomInfo | null;
  /** The person's own role and mute; null when not a member (a public room's reader). */
  membership: OwnMembership;
  /** The rev of the latest membership change seen, so that member lists know to refresh. */
  membersRev: number;
  /** Set when the room is over for this person (removed, deleted, refused): nothing of it is shown. */
  ended: RoomEnd | null;
};

export function initialSnapshot(
  room: string,
  status: ConnectionStatus,
  operations: readonly OutboxOperation[] = [],
): RoomSnapshot {
  return {
    room,
    status,
    user: null,
    joined: false,
    timeline: emptyTimeline,
    shown: [],
    outbox: operations.filter(isSend),
    hasNewer: false,
    loadingOlder: false,
    loadingNewer: false,
    refused: null,
    admin: false,
    info: null,
    membership: null,
    membersRev: 0,
    ended: null,
  };
}

/**
 * One room's state as the components read it, with React's
 * `useSyncExternalStore` protocol. `shown` is derived here, whenever the
 * timeline or the outbox changes, so every writer keeps it right.
 */
export class RoomStore {
  private snapshot: RoomSnapshot;
  private operations: readonly OutboxOperation[];
  private readonly listeners = new Set<() => void>();

  constructor(room: string, status: ConnectionStatus, operations: readonly OutboxOperation[]) {
    this.operations = operations;
    this.snapshot = initialSnapshot(room, status, operations);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RoomSnapshot => this.snapshot;

  get state(): RoomSnapshot {
    return this.snapshot;
  }

  /** Every operation waiting in the outbox, sends and changes, oldest first. */
  get pendingOperations(): readonly OutboxOperation[] {
    return this.operations;
  }

  update(patch: Partial<Omit<RoomSnapshot, "shown" | "outbox">>): void {
    const next = { ...this.snapshot, ...patch };
    if (next.timeline !== this.snapshot.timeline)
      next.shown = showMessages(next.timeline.messages, this.operations);
    this.publish(next);
  }

  setOperations(operations: readonly OutboxOperation[]): void {
    this.operations = operations;
    this.publish({
      ...this.snapshot,
      outbox: operations.filter(isSend),
      shown: showMessages(this.snapshot.timeline.messages, operations),
    });
  }

  clear(): void {
    this.listeners.clear();
  }

  private publish(next: RoomSnapshot): void {
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}
