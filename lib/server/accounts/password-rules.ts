import { COMMON_PASSWORDS } from "./common-passwords";

export const MIN_PASSWORD_LENGTH = 8;
/** Long enough for any passphrase; bounds the hashing work one request can ask for. */
export const MAX_PASSWORD_LENGTH = 128;

const common = new Set(COMMON_PASSWORDS);

/**
 * Why a chosen password is refused, or null. No composition rules (NIST
 * SP 800-63B): length, and not one that attackers try first — the common
 * list, the person's own address or name, one character repeated.
 */
export function passwordProblem(
  password: string,
  about: { email?: string | undefined; name?: string | undefined } = {},
): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const folded = password.toLowerCase();
  if (common.has(folded) || /^(.)\1*$/u.test(folded))
    return "That password is one of the most common ones; choose another.";
  const local = about.email?.toLowerCase().split("@", 1)[0];
  if (folded === about.email?.toLowerCase() || (local && local.length >= 4 && folded === local))
    return "Do not use your email address as your password.";
  if (about.name && folded === about.name.toLowerCase())
    return "Do not use your name as your password.";
  return null;
}
