/** Text rules shared by the composer and the server's validation. */

/** Length in Unicode code points, the unit in which limits are stated. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** True when the text has something besides whitespace. */
export function hasVisibleText(text: string): boolean {
  return text.trim().length > 0;
}

/**
 * Characters a display name may not contain: controls (Cc), invisible format
 * characters (Cf: zero-width spaces and joiners, bidi embeddings, overrides and
 * isolates, which let a name hide itself or reorder the text around it) and
 * line or paragraph separators.
 */
const FORBIDDEN_NAME_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export function hasForbiddenNameCharacters(name: string): boolean {
  return FORBIDDEN_NAME_CHARACTERS.test(name);
}
