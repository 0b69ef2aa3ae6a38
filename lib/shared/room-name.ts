import { MAX_ROOM_NAME_LENGTH } from "./limits";

/** Lowercase letters, digits, `-` and `_`, starting with a letter or digit. */
export const ROOM_NAME_PATTERN = new RegExp(`^[a-z0-9][a-z0-9_-]{0,${MAX_ROOM_NAME_LENGTH - 1}}$`);

export function isRoomName(value: string): boolean {
  return ROOM_NAME_PATTERN.test(value);
}

/**
 * The canonical room for something a person typed or a URL segment: rooms are
 * case-insensitive for people (`/chat/General` is `general`), so uppercase is folded.
 * Returns null when no valid room results.
 */
export function toRoomName(input: string): string | null {
  const candidate = input.trim().toLowerCase();
  return isRoomName(candidate) ? candidate : null;
}
