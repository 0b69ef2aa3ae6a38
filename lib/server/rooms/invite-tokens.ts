import { createHash, randomBytes } from "node:crypto";

/** A new invite token: 32 random bytes, base64url (43 characters), shown once. */
export function newInviteToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the store keeps of a token: its SHA-256, hex; the token itself is never stored. */
export function inviteTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The invite page's path for a token. */
export const invitePath = (token: string) => `/invite/${token}`;

/** Why an invite no longer admits, in the words the invite page and `invite:accept` use. */
export const INVITE_PROBLEMS = {
  expired: "This invite has expired.",
  used_up: "This invite has been used up.",
  revoked: "This invite was revoked.",
} as const;

export const NOT_AN_INVITE = "This invite link is not valid.";

/** Whether a stored invite still admits at `now`; null when it does, else why not. */
export function inviteProblem(
  invite: { revoked: boolean; expiresAt: string; maxUses: number | null; uses: number },
  now = Date.now(),
): string | null {
  if (invite.revoked) return INVITE_PROBLEMS.revoked;
  if (Date.parse(invite.expiresAt) <= now) return INVITE_PROBLEMS.expired;
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return INVITE_PROBLEMS.used_up;
  return null;
}
