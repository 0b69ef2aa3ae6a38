import { z } from "zod";
import { displayNameProblem, normalizeDisplayName } from "../names/name-rules";
import { coded, wellFormedString } from "./common";

export type User = {
  id: string;
  name: string;
  /**
   * Whether this identity is a guest — held only by a cookie or a bot token,
   * with no account. Absent means a guest: today every identity is one, and
   * the server leaves the field out. `false` is reserved for account holders.
   */
  guest?: boolean;
};

/**
 * Who the connection acts as. `token` is a bot token, sent only to a
 * connection that did not come with the browser's identity cookie: pass it as
 * `auth.token` to be the same identity on later connections.
 */
export type SessionInfo = { user: User; token?: string; account?: AccountInfo };

/** Roles of accounts on this server: an admin can disable and enable accounts. */
export type AccountRole = "admin" | "user";

/** Told to a connection signed in to an account (absent for guests). */
export type AccountInfo = { email: string; role: AccountRole };

export type UserRenameResult = { user: User };

/** A display name is stored normalized (names/name-rules.ts); one that breaks the rules is `invalid_name`. */
export const displayNameSchema = wellFormedString
  .transform(normalizeDisplayName)
  .superRefine((name, context) => {
    const problem = displayNameProblem(name);
    if (problem) context.addIssue({ code: "custom", ...coded("invalid_name", problem) });
  });

export const userRenameSchema = z.object({ name: displayNameSchema });

/** What a connecting client may put in Socket.IO's `auth`. Invalid fields are ignored, not fatal. */
export const handshakeAuthSchema = z.object({
  token: z.string().max(512).optional().catch(undefined),
  name: displayNameSchema.optional().catch(undefined),
});

export type UserRenameRequest = z.input<typeof userRenameSchema>;
