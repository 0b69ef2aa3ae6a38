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
  /**
   * The user a connection acts as: the bot token's, else the cookie's, else a
   * new one. Nothing is stored for an identity that has not written yet (see
   * ChatStore).
   */
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

  /** Whom the claim names, with what is stored of them (nothing until their first write). */
  async function identify(claim: IdentityClaim): Promise<{
    id: string;
    known: User | null;
    botToken?: string;
    claimed: boolean;
  }> {
    const fromToken = claim.token ? await credentials.verify("bot", claim.token) : null;
    if (fromToken && claim.token) {
      // A token of the old single format is answered with its bot-only successor.
      const botToken =
        fromToken.kind === "bot"
          ? claim.token
          : credentials.issue("bot", fromToken.userId, fromToken.generation);
      const known = await store.users.find(fromToken.userId);
      return { id: fromToken.userId, known, botToken, claimed: true };
    }
    // The cookie was signed by us; its id is kept even when the row is new
    // (first visit) or gone (database replaced), since the browser holds it.
    const fromCookie = claim.cookie ? await credentials.verify("cookie", claim.cookie) : null;
    if (fromCookie) {
      return {
        id: fromCookie.userId,
        known: await store.users.find(fromCookie.userId),
        claimed: true,
      };
    }
    // A fresh identity has never been revoked: its generation is 0.
    const id = randomUUID();
    return { id, known: null, botToken: credentials.issue("bot", id, 0), claimed: false };
  }

  return {
    async resolve(claim) {
      // A token or cookie signed by this server names an identity whether or
      // not it has written yet: only forged ones get a fresh identity.
      const { id, known, botToken, claimed } = await identify(claim);
      if (claim.name && claim.name !== known?.name) {
        // A name the client chose is a write, as a rename is: it makes the
        // row of an identity that has none, and its other connections (an
        // identity from a token or cookie may have some) take the name too.
        const user = await store.users.rename(id, claim.name);
        return { user, renamed: claimed, botToken };
      }
      return { user: known ?? { id, name: friendlyName(id) }, renamed: false, botToken };
    },
    checkCookie: (value) => credentials.checkCookie(value),
    newIdentityCookie: () => credentials.issue("cookie", randomUUID(), 0),
    revoke: (userId) => credentials.revoke(userId),
  };
}
