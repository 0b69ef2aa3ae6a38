/** Text rules shared by the composer and the server's validation. */

/** Length in Unicode code points, the unit in which limits are stated. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * A character that shows something: not whitespace, not a format character
 * (zero-width spaces and joiners, bidi controls), not one Unicode says to
 * draw as nothing (Default_Ignorable_Code_Point: the Hangul fillers U+115F,
 * U+1160, U+3164, U+FFA0, the soft hyphen, variation selectors, tags), and
 * not the blank Braille pattern U+2800, which fonts draw empty. Control
 * characters other than whitespace count as something: browsers differ (some
 * draw them as boxes), and they are stored verbatim like any other text.
 */
const VISIBLE = /[^\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;

/** True when the text shows something: a message of spaces or zero-width characters alone is blank. */
export function hasVisibleText(text: string): boolean {
  return VISIBLE.test(text);
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
