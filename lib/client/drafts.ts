/**
 * What the person has begun writing in each room, kept in localStorage so
 * that it survives switching rooms and reloading, as in any chat. A draft is
 * one record per room, removed when it is sent or emptied.
 */
export type Drafts = {
  get(room: string): string;
  /** Keeps the room's draft; an empty one is removed. */
  set(room: string, text: string): void;
};

const KEY_PREFIX = "scrollback:draft:v1:";

export function webDrafts(storage: Storage): Drafts {
  // Drafts the storage refused (full, revoked): this page still has them.
  const unsaved = new Map<string, string>();
  return {
    get(room) {
      const kept = unsaved.get(room);
      if (kept !== undefined) return kept;
      try {
        return storage.getItem(`${KEY_PREFIX}${room}`) ?? "";
      } catch {
        return "";
      }
    },
    set(room, text) {
      const key = `${KEY_PREFIX}${room}`;
      try {
        if (text) storage.setItem(key, text);
        else storage.removeItem(key);
        unsaved.delete(room);
      } catch {
        unsaved.set(room, text);
      }
    },
  };
}

export function memoryDrafts(): Drafts {
  const drafts = new Map<string, string>();
  return {
    get: (room) => drafts.get(room) ?? "",
    set: (room, text) => {
      if (text) drafts.set(room, text);
      else drafts.delete(room);
    },
  };
}

let shared: Drafts | null = null;

/** One store per page, over localStorage when the browser allows it, else memory. */
export function browserDrafts(): Drafts {
  if (shared) return shared;
  try {
    window.localStorage.getItem("scrollback:probe");
    shared = webDrafts(window.localStorage);
  } catch {
    shared = memoryDrafts();
  }
  return shared;
}
