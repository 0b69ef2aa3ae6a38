import type { IncomingMessage } from "node:http";
import type { AccountConnection } from "../accounts/account-handshake";
import { ACCOUNT_BOT_TOKEN_PREFIX } from "../accounts/account-handshake";
import type { SignedIn } from "../accounts/account-types";
import { presentedIdentityCookie } from "../identity/cookies";
import type { Identities } from "../identity/identities";

/** Who an HTTP request for a file comes from: an account (a person or a bot), or a guest. */
export type Viewer = { userId: string; account?: { role: "admin" | "user" } };

export type ViewerDeps = {
  identities: Pick<Identities, "checkCookie">;
  /** Null without accounts (some tests): everyone is a guest. */
  accounts: {
    guestAccess: boolean;
    signedInFromCookie(cookieHeader: string | undefined): Promise<SignedIn | null>;
    botFromToken?: ((token: string) => Promise<AccountConnection | null>) | undefined;
  } | null;
};

/**
 * The person behind a file request, by the same proofs as the socket
 * handshake and the pages: `Authorization: Bearer <bot token>` (a bot,
 * which sends no cookies), else the account session cookie, else — when
 * guests are allowed — the guest identity cookie. Null: nobody (401). A
 * bearer token that is not a live bot token is nobody, not a guest.
 */
export function createViewerLookup(deps: ViewerDeps) {
  return async function viewerOf(request: IncomingMessage): Promise<Viewer | null> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      if (!token?.startsWith(ACCOUNT_BOT_TOKEN_PREFIX) || !deps.accounts?.botFromToken) return null;
      const bot = await deps.accounts.botFromToken(token);
      return bot ? { userId: bot.user.id, account: { role: bot.account.role } } : null;
    }
    const cookie = request.headers.cookie;
    if (deps.accounts) {
      const signedIn = await deps.accounts.signedInFromCookie(cookie);
      if (signedIn) return { userId: signedIn.chatUserId, account: { role: signedIn.role } };
      if (!deps.accounts.guestAccess) return null;
    }
    const presented = presentedIdentityCookie(cookie);
    if (presented.kind !== "one") return null;
    // Whether the cookie was revoked cannot be read while the database is down: nobody, then.
    const checked = await deps.identities.checkCookie(presented.value).catch(() => null);
    return checked ? { userId: checked.userId } : null;
  };
}
