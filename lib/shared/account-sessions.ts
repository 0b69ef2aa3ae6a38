/** One place an account is signed in, as the Account page lists it (read on the server, shown in the browser). */
export type SessionSummary = {
  id: string;
  /** What ending it takes (better-auth's revoke-session); shown only to the account's own pages. */
  token: string;
  userAgent: string | null;
  /** ISO-8601: renewed every 15 minutes of use, so "last seen". */
  lastSeenAt: string;
};
