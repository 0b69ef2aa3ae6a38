/**
 * Links to a message (docs/experience.md, "Links to a message"):
 * `/chat/<room>?at=<seq>` opens the room at that message. Search results,
 * the Mentions view and notifications all link this way.
 */

/** The query parameter that names the message to open the room at. */
export const AT_PARAM = "at";

/** The link that opens `room` at its message `seq`. */
export function messageLink(room: string, seq: number): string {
  return `/chat/${encodeURIComponent(room)}?${AT_PARAM}=${seq}`;
}

/** The seq an `at` parameter names, or null when it names none (absent, not a whole positive number). */
export function parseAt(value: string | null | undefined): number | null {
  if (value == null || !/^[1-9]\d{0,15}$/.test(value)) return null;
  const seq = Number(value);
  return Number.isSafeInteger(seq) ? seq : null;
}

/**
 * The same address without its `at`: once the room has opened at the
 * message, reloading it (or sharing the address bar) opens the room as
 * usual rather than jumping back into history. Other parameters and the
 * fragment are kept.
 */
export function withoutAt(pathname: string, search: string, hash = ""): string {
  const params = new URLSearchParams(search);
  params.delete(AT_PARAM);
  const rest = params.toString();
  return `${pathname}${rest ? `?${rest}` : ""}${hash}`;
}
