import { createHmac } from "node:crypto";

/**
 * A credential exactly as the server issued it before cookies and bot tokens
 * were told apart (`<userId>.<signature>`, the same value for both), so tests
 * can check that browsers and bots holding one keep working.
 */
export function legacyToken(secret: string, userId: string): string {
  const signature = createHmac("sha256", secret)
    .update(`scrollback:user:${userId}`)
    .digest("base64url");
  return `${userId}.${signature}`;
}
