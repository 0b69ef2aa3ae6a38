import type { IncomingMessage } from "node:http";
import type { User } from "../../shared/protocol";
import type { ChatStore } from "../store/types";
import type { ConnectionAccount } from "../transport/socket-types";
import type { SignedIn } from "./account-types";

/** Who a connection signed in to an account acts as. */
export type AccountConnection = { user: User; account: ConnectionAccount };

/** What the socket handshake asks of accounts (lib/server/accounts/accounts.ts and bot-tokens.ts). */
export type HandshakeAccounts = {
  /** GUEST_ACCESS: when off, a connection that proves no account is refused. */
  guestAccess: boolean;
  signedInFromCookie(cookieHeader: string | undefined): Promise<SignedIn | null>;
  /** An account's bot token: the bot's identity, or null when the token is not a live one of ours. */
  botFromToken?(token: string): Promise<AccountConnection | null>;
};

/** The prefix of an account's bot tokens, which tells them from a guest's signed session tokens. */
export const ACCOUNT_BOT_TOKEN_PREFIX = "sbb_";

/**
 * The account a handshake proves: an account's bot token in `auth.token`,
 * else the session cookie the pages use — the same check (signedInFromCookie)
 * for both. Null: a guest (or nobody, when guests are off).
 */
export async function accountConnection(
  accounts: HandshakeAccounts,
  store: ChatStore,
  request: IncomingMessage,
  token: string | undefined,
): Promise<AccountConnection | null> {
  if (token?.startsWith(ACCOUNT_BOT_TOKEN_PREFIX) && accounts.botFromToken)
    return accounts.botFromToken(token);
  const signedIn = await accounts.signedInFromCookie(request.headers.cookie);
  if (!signedIn) return null;
  const known = await store.users.find(signedIn.chatUserId);
  return {
    user: { id: signedIn.chatUserId, name: known?.name ?? signedIn.name, guest: false },
    account: {
      accountId: signedIn.accountId,
      email: signedIn.email,
      role: signedIn.role,
      sessionId: signedIn.sessionId,
    },
  };
}

/** The handshake's refusal when guests are off; the client shows `data.message` and offers sign-in. */
export function signInRequired(): Error & { data: { code: string; message: string } } {
  return Object.assign(new Error("unauthorized"), {
    data: { code: "unauthorized", message: "Sign in to chat on this server." },
  });
}
