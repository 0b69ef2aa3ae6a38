import { MAX_DISPLAY_NAME_CODE_POINTS } from "../shared/limits";
import { codePointLength } from "../shared/text";

/**
 * A name as typed, cut to what the server accepts: it trims the name and
 * counts code points (an emoji is one, though a JavaScript string holds it
 * as two units, which is what the `maxLength` attribute counts), so
 * surrounding spaces are let through and only the name itself is cut.
 */
export function clipDisplayName(typed: string): string {
  if (codePointLength(typed.trim()) <= MAX_DISPLAY_NAME_CODE_POINTS) return typed;
  const leading = typed.length - typed.trimStart().length;
  const kept = [...typed.slice(leading)].slice(0, MAX_DISPLAY_NAME_CODE_POINTS).join("");
  return typed.slice(0, leading) + kept;
}
