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
   * one; `renamed` when the claim's name replaced the one on record.
   */
  resolve(claim: IdentityClaim): Promise<{ user: User; renamed: boolean }>;
  tokenFor(userId: string): string;
  newUserId(): string;
  verifyToken(token: string): string | null;
};

export function createIdentities(store: ChatStore, signer: TokenSigner): Identities {
  async function findOrCreate(claim: IdentityClaim): Promise<User> {
    const fromToken = claim.token ? signer.verify(claim.token) : null;
    if (fromToken) {
      const known = await store.findUser(fromToken);
      if (known) return known;
    }
    if (claim.cookieUserId) {
      // The cookie was signed by us; its id is kept even when the row is new
      // (first visit) or gone (database replaced), since the browser holds it.
      const known = await store.findUser(claim.cookieUserId);
      return (
        known ?? store.createUser({ id: claim.cookieUserId, name: claim.name ?? friendlyName() })
      );
    }
    return store.createUser({ id: randomUUID(), name: claim.name ?? friendlyName() });
  }

  return {
    async resolve(claim) {
      const user = await findOrCreate(claim);
      if (claim.name && claim.name !== user.name) {
        const renamed = await store.renameUser(user.id, claim.name);
        if (renamed) return { user: renamed, renamed: true };
      }
      return { user, renamed: false };
    },
    tokenFor: (userId) => signer.sign(userId),
    newUserId: () => randomUUID(),
    verifyToken: (token) => signer.verify(token),
  };
}
