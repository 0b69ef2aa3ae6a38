import { MAX_DISPLAY_NAME_CODE_POINTS } from "../limits";
import { codePointLength, hasForbiddenNameCharacters } from "../text";
import { checkScriptMix } from "./scripts";

/**
 * The rules a display name keeps, wherever it comes from (`user:rename`,
 * `auth.name`, a generated name), so that no name is invisible or passes for
 * someone else's by way of look-alike letters. Each refusal says why, in words
 * for the person who chose the name.
 */

/**
 * The form a name is stored and shown in: NFC (so that the same letters typed
 * two ways are the same name), trimmed, runs of whitespace made one space.
 */
export function normalizeDisplayName(raw: string): string {
  return raw.normalize("NFC").trim().replace(/\s+/gu, " ");
}

/**
 * Default-ignorable characters render as nothing (Hangul fillers, the
 * combining grapheme joiner, …). Variation selectors are the exception: they
 * choose how the character before them looks (emoji or text style) and hide
 * nothing.
 */
const IGNORABLE_EXCEPT_VARIATION_SELECTORS =
  /(?![\uFE00-\uFE0F\u{E0100}-\u{E01EF}\u180B-\u180D\u180F])\p{Default_Ignorable_Code_Point}/u;

/**
 * What shows nothing: default-ignorable characters, and glyphs that are blank
 * by design without being default-ignorable (the blank Braille pattern, the
 * null notehead).
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800\u{1D159}]/gu;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
const COMBINING_MARK = /^\p{M}/u;

function scriptList(scripts: readonly string[]): string {
  if (scripts.length <= 2) return scripts.join(" and ");
  return `${scripts.slice(0, -1).join(", ")} and ${scripts.at(-1)}`;
}

/** Why a normalized name breaks the rules, in words for people; null when it keeps them. */
export function displayNameProblem(name: string): string | null {
  if (name.length === 0) return "A name can't be blank.";
  if (codePointLength(name) > MAX_DISPLAY_NAME_CODE_POINTS)
    return `A name can be at most ${MAX_DISPLAY_NAME_CODE_POINTS} characters long.`;
  if (!VISIBLE.test(name.replace(INVISIBLE, "")))
    return "A name needs at least one visible letter, digit or symbol.";
  if (hasForbiddenNameCharacters(name) || IGNORABLE_EXCEPT_VARIATION_SELECTORS.test(name))
    return "A name can't contain control, invisible or text-direction characters.";
  if (COMBINING_MARK.test(name))
    return "A name can't start with an accent or other combining mark.";
  const mix = checkScriptMix(name);
  if (!mix.ok)
    return `This name mixes ${scriptList(mix.scripts)} letters. Use one alphabet, so that look-alike letters can't pass for someone else's name.`;
  return null;
}
