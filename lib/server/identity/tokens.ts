import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The two credentials an identity can hold, signed with SESSION_SECRET so the
 * server recognises its own without storing them:
 *
 * - a **cookie** (`sbc1.…`), which only browsers hold, HttpOnly;
 * - a **bot token** (`sbb1.…`), which the `session` event hands to clients that
 *   did not come with the cookie.
 *
 * Each kind is signed in its own context, so one can never be presented as the
 * other (changing the prefix breaks the signature). Both carry the identity's
 * credential generation — bumping the stored generation revokes every earlier
 * credential of that identity — and their issue time.
 *
 * Credentials issued before these existed (`<userId>.<signature>`, one value
 * for cookie and token alike) are still accepted as `legacy`, generation 0:
 * browsers and bots that hold one keep their identity until it is revoked.
 */
export type CredentialKind = "cookie" | "bot";

export type Credential = {
  userId: string;
  /** `legacy` for a credential of the old single format, valid as either kind. */
  kind: CredentialKind | "legacy";
  generation: number;
  /** Seconds since the epoch; unknown for legacy credentials. */
  issuedAt: number | undefined;
};

export type TokenSigner = {
  sign(kind: CredentialKind, userId: string, generation: number, issuedAt: number): string;
  /** What a genuine credential says, or null for anything forged or malformed. */
  verify(token: string): Credential | null;
};

const USER_ID = /^[A-Za-z0-9-]{1,64}$/;
/** A base-36 number as `sign` writes it: no sign, no leading zero, small enough to be exact. */
const NUMBER = /^(0|[1-9a-z][0-9a-z]{0,9})$/;
const PREFIX: Record<CredentialKind, string> = { cookie: "sbc1", bot: "sbb1" };
const KIND_OF_PREFIX = new Map<string, CredentialKind>([
  [PREFIX.cookie, "cookie"],
  [PREFIX.bot, "bot"],
]);

export function createTokenSigner(secret: string): TokenSigner {
  const mac = (context: string) => createHmac("sha256", secret).update(context).digest("base64url");
  const contextOf = (kind: CredentialKind, userId: string, generation: number, issuedAt: number) =>
    `scrollback:${kind}:v1\n${userId}\n${generation}\n${issuedAt}`;
  const legacyContextOf = (userId: string) => `scrollback:user:${userId}`;

  // Compared as text, not decoded: base64 decoding skips stray characters and
  // ignores the last character's spare bits, so garbled variants would pass.
  const sameText = (given: string, expected: string) => {
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  function verifyCurrent(parts: string[]): Credential | null {
    const [prefix = "", userId = "", generation = "", issuedAt = "", signature = ""] = parts;
    const kind = KIND_OF_PREFIX.get(prefix);
    if (!kind || !USER_ID.test(userId) || !NUMBER.test(generation) || !NUMBER.test(issuedAt))
      return null;
    const credential = {
      userId,
      kind,
      generation: Number.parseInt(generation, 36),
      issuedAt: Number.parseInt(issuedAt, 36),
    };
    const expected = mac(contextOf(kind, userId, credential.generation, credential.issuedAt));
    return sameText(signature, expected) ? credential : null;
  }

  function verifyLegacy(userId: string, signature: string): Credential | null {
    if (!USER_ID.test(userId)) return null;
    if (!sameText(signature, mac(legacyContextOf(userId)))) return null;
    return { userId, kind: "legacy", generation: 0, issuedAt: undefined };
  }

  return {
    sign(kind, userId, generation, issuedAt) {
      const fields = [PREFIX[kind], userId, generation.toString(36), issuedAt.toString(36)];
      return `${fields.join(".")}.${mac(contextOf(kind, userId, generation, issuedAt))}`;
    },
    verify(token) {
      const parts = token.split(".");
      if (parts.length === 5) return verifyCurrent(parts);
      if (parts.length === 2) return verifyLegacy(parts[0] ?? "", parts[1] ?? "");
      return null;
    },
  };
}
