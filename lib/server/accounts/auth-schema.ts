/**
 * Where better-auth keeps its records. Prefixed, so that they sit apart from
 * the chat's own tables (`users` is the chat's display-name record; an
 * account points at one through `chatUserId`).
 */
export const AUTH_MODEL_NAMES = {
  user: "auth_users",
  session: "auth_sessions",
  account: "auth_accounts",
  verification: "auth_verifications",
  passkey: "auth_passkeys",
} as const;

/** The session cookie is `scrollback.session_token` (`__Secure-` prefixed behind TLS). */
export const AUTH_COOKIE_PREFIX = "scrollback";
