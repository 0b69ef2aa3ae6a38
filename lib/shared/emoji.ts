/**
 * One emoji, as Unicode lists it for interchange (RGI: the sequences every
 * platform is recommended to draw, ZWJ families, skin tones and flags
 * included). The `v` flag's \p{RGI_Emoji} matches a whole sequence, so a
 * string of two emoji, an emoji with text, or a lone modifier does not match.
 */
// A literal with the `v` flag needs an ES2024 target; the constructor works on Node 20 as is.
// biome-ignore lint/complexity/useRegexLiterals: see above
const ONE_EMOJI = new RegExp("^\\p{RGI_Emoji}$", "v");
const VARIATION_SELECTOR_16 = "\uFE0F";

/**
 * The emoji as stored, or null when `text` is not exactly one emoji. People
 * and keyboards send some emoji without the presentation selector (U+2764
 * for ❤️); those are the same reaction, so they are stored fully qualified
 * and count together.
 */
export function toEmoji(text: string): string | null {
  if (text.length === 0 || text.length > 64) return null;
  if (ONE_EMOJI.test(text)) return text;
  const [first, ...rest] = Array.from(text);
  if (first === undefined) return null;
  const qualified = first + VARIATION_SELECTOR_16 + rest.join("");
  if (!text.includes(VARIATION_SELECTOR_16) && ONE_EMOJI.test(qualified)) return qualified;
  return null;
}

export function isEmoji(text: string): boolean {
  return toEmoji(text) !== null;
}
