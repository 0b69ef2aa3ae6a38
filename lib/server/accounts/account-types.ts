import type { SessionSummary } from "../../shared/account-sessions";
import type { AccountRole } from "../../shared/protocol";

/** A signed-in person as the server sees them: one account, through one session. */
export type SignedIn = {
  accountId: string;
  /** The better-auth session the cookie names. */
  sessionId: string;
  email: string;
  emailVerified: boolean;
  /** The display name on the account (the chat's record of it is `users.name`). */
  name: string;
  role: AccountRole;
  /** The chat identity (users.id) this account speaks as. */
  chatUserId: string;
};

/** Which ways in this server offers, from its configuration (pages show only these). */
export type AccountFeatures = {
  /** GUEST_ACCESS=on: people may chat without an account. */
  guestAccess: boolean;
  /** SMTP_URL is set: address verification, reset by email and sign-in by emailed link. */
  email: boolean;
  /** OIDC_ISSUER is set: the button reads "Sign in with <name>"; `providerId` is for the auth client. */
  sso: { name: string; providerId: string } | null;
};

/** What pages (app/) ask about accounts. */
export type PageAccounts = {
  /** Who the request's session cookie signs in, or null (no cookie, expired, revoked, disabled). */
  signedIn(headers: Headers): Promise<SignedIn | null>;
  /**
   * The account's live sessions. Read on the server for the Account page:
   * better-auth's own list-sessions answers only a session younger than a
   * day, which would hide this list from anyone who stays signed in.
   */
  sessions(accountId: string): Promise<SessionSummary[]>;
  features: AccountFeatures;
};
