import { randomUUID } from "node:crypto";
import type { User } from "../../shared/protocol";
import type { ChatStore } from "../store/types";
import { type CookieCheck, createCredentials } from "./credentials";
import { friendlyName } from "./friendly-name";
import type { TokenSigner } from "./tokens";

export type IdentityClaim = {
  /** The identity cookie's value, when the request carried exactly one (see cookies.ts). */
  cookie?: string | undefined;
  /** From `auth.token`: how bots keep their identity across connections. */
  token?: string | undefined;
  /** From `auth.name`: the display name a bot asks for. */
  name?: string | undefined;
};

export type ResolvedIdentity = {
  user: User;
  /** The claim's name replaced the one on record. */
  renamed: boolean;
  /**
   * The bot token this connection gets in `session`: for every connection
   * that did not prove itself with the browser's cookie. A browser's page
   * scripts never see a credential.
   */
  botToken: string | undefined;
};

export type Identities = {
  /** The user a connection acts as: the bot token's, else the cookie's, else a new one. */
  resolve(claim: IdentityClaim): Promise<ResolvedIdentity>;
  /** Whom a page load's cookie identifies, or null when it identifies nobody (forged, revoked, expired). */
  checkCookie(value: string): Promise<CookieCheck | null>;
  /** The cookie a browser without a valid one gets with its page: a new identity. */
  newIdentityCookie(): string;
  /** Revokes every cookie and bot token of the identity; resolves with a bot token that works from now on. */
  revoke(userId: string): Promise<{ generation: number; botToken: string }>;
};

export function createIdentities(store: ChatStore, signer: TokenSigner): Identities {
  const credentials = createCredentials(store, signer);

  async function findOrCreate(claim: IdentityClaim): Promise<{ user: User; botToken?: string }> {
    const fromToken = claim.token ? await credentials.verify("bot", claim.token) : null;
    if (fromToken && claim.token) {
      const known = await store.findUser(fromToken.userId);
      // A token of the old single format is answered with its bot-only successor.
      const botToken =
        fromToken.kind === "bot"
          ? claim.token
          : credentials.issue("bot", fromToken.userId, fromToken.generation);
      if (known) return { user: known, botToken };
    }
    const fromCookie = claim.cookie ? await credentials.verify("cookie", claim.cookie) : null;
    if (fromCookie) {
      // The cookie was signed by us; its id is kept even when the row is new
      // (first visit) or gone (database replaced), since the browser holds it.
      const known = await store.findUser(fromCookie.userId);
      return {
        user:
          known ??
          (await store.createUser({ id: fromCookie.userId, name: claim.name ?? friendlyName() })),
      };
    }
    // A fresh identity has never been revoked: its generation is 0.
    const user = await store.createUser({ id: randomUUID(), name: claim.name ?? friendlyName() });
    return { user, botToken: credentials.issue("bot", user.id, 0) };
  }

  return {
    async resolve(claim) {
      const { user, botToken } = await findOrCreate(claim);
      if (claim.name && claim.name !== user.name) {
        const renamed = await store.renameUser(user.id, claim.name);
        if (renamed) return { user: renamed, renamed: true, botToken };
      }
      return { user, renamed: false, botToken };
    },
    checkCookie: (value) => credentials.checkCookie(value),
    newIdentityCookie: () => credentials.issue("cookie", randomUUID(), 0),
    revoke: (userId) => credentials.revoke(userId),
  };
}
