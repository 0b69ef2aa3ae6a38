import { randomUUID } from "node:crypto";
import type { User } from "../../shared/protocol";
import type { ChatStore } from "../store/types";
import { friendlyName } from "./friendly-name";
import type { TokenSigner } from "./tokens";

export type IdentityClaim = {
  /** From a verified cookie: the browser's identity, issued by this server. */
  cookieUserId?: string | undefined;
  /** From `auth.token`: how bots keep their identity across connections. */
  token?: string | undefined;
  /** From `auth.name`: the display name a bot asks for. */
  name?: string | undefined;
};

export type Identities = {
  /**
   * The user a connection acts as: the token's, else the cookie's, else a new
   * one; `renamed` when the claim's name replaced the one on record. Nothing
   * is stored for an identity that has not written yet (see ChatStore).
   */
  resolve(claim: IdentityClaim): Promise<{ user: User; renamed: boolean }>;
  tokenFor(userId: string): string;
  newUserId(): string;
  verifyToken(token: string): string | null;
};

export function createIdentities(store: ChatStore, signer: TokenSigner): Identities {
  return {
    async resolve(claim) {
      // A token or cookie signed by this server names an identity whether or
      // not it has written yet: only forged ones get a fresh identity.
      const fromToken = claim.token ? signer.verify(claim.token) : null;
      const claimed = fromToken ?? claim.cookieUserId;
      const known = claimed ? await store.findUser(claimed) : null;
      const id = claimed ?? randomUUID();
      if (claim.name && claim.name !== known?.name) {
        // A name the client chose is a write, as a rename is: it makes the
        // row of an identity that has none, and its other connections (an
        // identity from a token or cookie may have some) take the name too.
        const user = await store.renameUser(id, claim.name);
        return { user, renamed: claimed !== undefined };
      }
      return { user: known ?? { id, name: friendlyName(id) }, renamed: false };
    },
    tokenFor: (userId) => signer.sign(userId),
    newUserId: () => randomUUID(),
    verifyToken: (token) => signer.verify(token),
  };
}
