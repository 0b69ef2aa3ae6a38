import type { PresenceChange, PresenceList, User } from "../shared/protocol";

/**
 * Who a client believes is online in a room, from one `presence:listed` and
 * the `presence:changed` events around it. Pure.
 *
 * The list and the changes can cross: a change made just before the list was
 * taken may arrive after it, and one made just after may arrive before it.
 * Each change states the latest news about the people it names, so the list
 * is the base and every change received on this connection is laid over it
 * in arrival order, those that came early included.
 */
export type PresenceState = {
  /** The room's list has arrived on the current connection. */
  readonly listed: boolean;
  readonly users: ReadonlyMap<string, User>;
  /** People the list counted but did not name (it names a limited number). */
  readonly unnamed: number;
  /** Changes received on this connection before its list, to lay over it. */
  readonly early: readonly PresenceChange[];
};

export const emptyPresence: PresenceState = {
  listed: false,
  users: new Map(),
  unnamed: 0,
  early: [],
};

function overlay(state: PresenceState, change: PresenceChange): PresenceState {
  const users = new Map(state.users);
  let unnamed = state.unnamed;
  for (const id of change.offline) {
    if (!users.delete(id) && unnamed > 0) unnamed--;
  }
  for (const user of change.online) users.set(user.id, user);
  unnamed += change.arrivals ?? 0;
  return { ...state, users, unnamed };
}

export function applyList(state: PresenceState, list: PresenceList): PresenceState {
  const base: PresenceState = {
    listed: true,
    users: new Map(list.users.map((user) => [user.id, user])),
    unnamed: Math.max(0, list.count - list.users.length),
    early: [],
  };
  return state.early.reduce(overlay, base);
}

export function applyChange(state: PresenceState, change: PresenceChange): PresenceState {
  if (!state.listed) return { ...state, early: [...state.early, change] };
  return overlay(state, change);
}

/**
 * A new connection starts over: its list replaces what is known. Until then
 * the people last known stay shown, rather than an empty room.
 */
export function reconnected(state: PresenceState): PresenceState {
  return { ...state, listed: false, early: [] };
}

export type OnlineView = {
  /** You first, then by name. */
  people: readonly User[];
  /** Everyone online, named or not. */
  count: number;
};

/** What the Online list shows: always including you, who are in the room while you look at it. */
export function onlineView(state: PresenceState, me: User | null): OnlineView {
  const users = new Map(state.users);
  if (me) users.set(me.id, me);
  const people = [...users.values()].sort((a, b) => {
    if (a.id === me?.id) return -1;
    if (b.id === me?.id) return 1;
    return a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1);
  });
  // A list that did not name you still counted you.
  const unnamedOthers =
    me && !state.users.has(me.id) && state.unnamed > 0 ? state.unnamed - 1 : state.unnamed;
  return { people, count: people.length + unnamedOthers };
}
