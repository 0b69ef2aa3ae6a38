/**
 * What a person reads when an account request failed. better-auth's client
 * answers `{ status, code?, message? }`; status 0 here means no answer came.
 */
export type AuthFailure = {
  status: number;
  code?: string | undefined;
  message?: string | undefined;
};

/** One answer for every wrong email, wrong password or unknown account: none says which. */
export const WRONG_CREDENTIALS_TEXT = "Wrong email or password.";
export const RATE_LIMITED_TEXT = "Too many attempts. Wait a few minutes and try again.";
export const DISABLED_TEXT = "This account has been disabled. Ask a server admin about it.";
export const NO_CONNECTION_TEXT = "Could not reach the server. Check the connection and try again.";
export const SERVER_TROUBLE_TEXT = "Something went wrong on the server. Try again in a moment.";
export const UNVERIFIED_TEXT = "Confirm your address first: follow the link in the email we sent.";

function sentence(message: string | undefined, fallback: string): string {
  const text = message?.trim();
  if (!text) return fallback;
  const capitalised = text[0]?.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** The server's own words on a rate limit say how long to wait; without them, a general one. */
function rateLimited(failure: AuthFailure): string {
  return sentence(failure.message, RATE_LIMITED_TEXT);
}

/** Any account request but signing in: the server's reason when it gives one (a refused password says why). */
export function authErrorText(failure: AuthFailure): string {
  if (failure.status === 0) return NO_CONNECTION_TEXT;
  if (failure.status === 429) return rateLimited(failure);
  if (failure.status >= 500) return SERVER_TROUBLE_TEXT;
  if (failure.code === "BANNED_USER") return DISABLED_TEXT;
  return sentence(failure.message, "That did not work. Try again.");
}

/**
 * Signing in: every refusal that could tell an attacker something about the
 * account reads the same, whatever the server's words.
 */
export function signInErrorText(failure: AuthFailure): string {
  if (failure.status === 0) return NO_CONNECTION_TEXT;
  if (failure.status === 429) return rateLimited(failure);
  if (failure.status >= 500) return SERVER_TROUBLE_TEXT;
  if (failure.code === "BANNED_USER") return DISABLED_TEXT;
  if (failure.code === "EMAIL_NOT_VERIFIED") return UNVERIFIED_TEXT;
  return WRONG_CREDENTIALS_TEXT;
}

const MAX_NEXT_LENGTH = 512;

/**
 * Where to go after signing in, from the `next` parameter: a path on this
 * site only. Anything that a browser could read as another origin
 * (`//evil.example`, `/\evil.example`, `https://…`) or that is not a page
 * (`/api/…`) is refused, so the parameter cannot be used to send a person
 * elsewhere with a fresh session.
 */
export function safeNextPath(value: string | string[] | undefined | null): string | null {
  const next = Array.isArray(value) ? value[0] : value;
  if (!next || next.length > MAX_NEXT_LENGTH) return null;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return null;
  // Control characters and spaces: browsers drop some of them, which can turn "/\t/x" into "//x".
  if (/[\s\p{Cc}\\]/u.test(next)) return null;
  if (next === "/api" || next.startsWith("/api/")) return null;
  return next;
}
