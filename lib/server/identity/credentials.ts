import type { ChatStore } from "../store/types";
import type { Credential, CredentialKind, TokenSigner } from "./tokens";

/**
 * Browsers keep the cookie as long as its Max-Age says, and the server honours
 * it as long: a cookie not renewed by a page load within that time has expired
 * on both sides.
 */
export const COOKIE_LIFETIME_SECONDS = 365 * 24 * 60 * 60;
/** A page load renews a cookie older than this, so that a person who visits keeps their identity. */
export const COOKIE_RENEWAL_SECONDS = 24 * 60 * 60;

export type CookieCheck = {
  userId: string;
  /** A fresh value for the cookie when the one presented should be replaced (old format, or due for renewal). */
  renewal: string | undefined;
};

/** Signs, checks and revokes an identity's cookies and bot tokens. */
export type Credentials = {
  issue(kind: CredentialKind, userId: string, generation: number): string;
  /**
   * What a presented credential proves: genuine, of the expected kind (an old
   * single-format credential counts as either), of the identity's current
   * generation, and — for a cookie — not expired. Null otherwise. Rejects when
   * the generation cannot be read.
   */
  verify(kind: CredentialKind, presented: string): Promise<Credential | null>;
  checkCookie(presented: string): Promise<CookieCheck | null>;
  /** Revokes every credential the identity holds; resolves with a bot token of the new generation. */
  revoke(userId: string): Promise<{ generation: number; botToken: string }>;
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

export function createCredentials(store: ChatStore, signer: TokenSigner): Credentials {
  const issue = (kind: CredentialKind, userId: string, generation: number) =>
    signer.sign(kind, userId, generation, nowSeconds());

  async function verify(kind: CredentialKind, presented: string): Promise<Credential | null> {
    const credential = signer.verify(presented);
    if (!credential) return null;
    if (credential.kind !== kind && credential.kind !== "legacy") return null;
    // Bot tokens do not expire (bots reconnect for months; revoking is how one
    // is withdrawn); cookies do, unless a page load renewed them.
    if (
      credential.kind === "cookie" &&
      (credential.issuedAt ?? 0) + COOKIE_LIFETIME_SECONDS < nowSeconds()
    )
      return null;
    const generation = await store.users.credentialGeneration(credential.userId);
    return credential.generation === generation ? credential : null;
  }

  return {
    issue,
    verify,
    async checkCookie(presented) {
      const credential = await verify("cookie", presented);
      if (!credential) return null;
      const due =
        credential.kind === "legacy" ||
        (credential.issuedAt ?? 0) + COOKIE_RENEWAL_SECONDS < nowSeconds();
      return {
        userId: credential.userId,
        renewal: due ? issue("cookie", credential.userId, credential.generation) : undefined,
      };
    },
    async revoke(userId) {
      const generation = await store.users.revokeCredentials(userId);
      return { generation, botToken: issue("bot", userId, generation) };
    },
  };
}
