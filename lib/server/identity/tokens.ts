import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Identity tokens are `<userId>.<signature>`: the server can recognise its own
 * without storing them, and nobody can mint one for someone else's id.
 */
export type TokenSigner = {
  sign(userId: string): string;
  /** The user id a genuine token names, or null for anything forged or malformed. */
  verify(token: string): string | null;
};

const USER_ID = /^[A-Za-z0-9-]{1,64}$/;

export function createTokenSigner(secret: string): TokenSigner {
  const mac = (userId: string) =>
    createHmac("sha256", secret).update(`scrollback:user:${userId}`).digest("base64url");
  return {
    sign(userId) {
      return `${userId}.${mac(userId)}`;
    },
    verify(token) {
      const dot = token.lastIndexOf(".");
      if (dot <= 0) return null;
      const userId = token.slice(0, dot);
      if (!USER_ID.test(userId)) return null;
      // Compared as text, not decoded: base64 decoding skips stray characters and
      // ignores the last character's spare bits, so garbled variants would pass.
      const given = Buffer.from(token.slice(dot + 1));
      const expected = Buffer.from(mac(userId));
      return given.length === expected.length && timingSafeEqual(given, expected) ? userId : null;
    },
  };
}
