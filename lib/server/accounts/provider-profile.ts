import { MAX_DISPLAY_NAME_CODE_POINTS } from "../../shared/limits";
import { displayNameSchema } from "../../shared/protocol";

/** What an account made through single sign-on is called when the provider offers no usable name. */
export const FALLBACK_ACCOUNT_NAME = "Member";

/**
 * The chat name for a person the provider vouches for: the first of its
 * name claims that is a valid display name (a long one cut at a word). Never
 * the address: that is not shown to other people in the chat.
 */
export function displayNameFromProfile(profile: Record<string, unknown>): string {
  const text = (claim: string) => {
    const value = profile[claim];
    return typeof value === "string" ? value : "";
  };
  const candidates = [
    text("name"),
    `${text("given_name")} ${text("family_name")}`,
    text("preferred_username"),
    text("nickname"),
  ];
  for (const candidate of candidates) {
    const name = displayNameSchema.safeParse(shortened(candidate));
    if (name.success) return name.data;
  }
  return FALLBACK_ACCOUNT_NAME;
}

function shortened(name: string): string {
  const trimmed = name.trim();
  const codePoints = [...trimmed];
  if (codePoints.length <= MAX_DISPLAY_NAME_CODE_POINTS) return trimmed;
  const cut = codePoints.slice(0, MAX_DISPLAY_NAME_CODE_POINTS).join("");
  const lastSpace = cut.lastIndexOf(" ");
  return (lastSpace > 0 ? cut.slice(0, lastSpace) : cut).trim();
}
