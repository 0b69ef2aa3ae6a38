import { createHash, randomBytes } from "node:crypto";
import type { BotTokenRecord, ChatStore } from "../store/types";
import { botTokenRoom, type ChatIo } from "../transport/socket-types";
import { ACCOUNT_BOT_TOKEN_PREFIX, type AccountConnection } from "./account-handshake";
import type { Auth } from "./auth";

/** Enough for every bot a person runs; a leaked session cannot mint them without end. */
export const MAX_BOT_TOKENS_PER_ACCOUNT = 25;

/** `sbb_` and 32 random bytes in base64url (43 characters). */
const TOKEN_SHAPE = new RegExp(`^${ACCOUNT_BOT_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

/** What is stored of a token: its SHA-256. The token has 256 random bits, so no slow hash is needed. */
export function hashBotToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function newBotToken(): string {
  return `${ACCOUNT_BOT_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** The owner of a token as the accounts' database knows them; null when the account is gone. */
export type BotOwner = { email: string; banned: boolean };

export type BotTokensDeps = {
  store: ChatStore;
  owner(accountId: string): Promise<BotOwner | null>;
};

export type BotTokens = {
  /** The bot's identity for a handshake's `auth.token`, or null: unknown, revoked, or its owner gone or disabled. */
  botFromToken(token: string): Promise<AccountConnection | null>;
  /**
   * A new token of the account, returned only here (shown once). Its id is
   * the bot's chat identity, named after the token. Rejects with
   * TooManyBotTokensError when the account holds the most it may.
   */
  create(accountId: string, name: string): Promise<{ token: string; record: BotTokenRecord }>;
  list(accountId: string): Promise<BotTokenRecord[]>;
  /** Deletes the account's token and disconnects its bots on every instance; false: no token of theirs. */
  revoke(accountId: string, id: string): Promise<boolean>;
  /** Where revocations disconnect sockets: this deployment's Socket.IO (through the adapter, every instance). */
  attach(io: ChatIo): void;
};

export function createBotTokens(deps: BotTokensDeps): BotTokens {
  const { store } = deps;
  let io: ChatIo | null = null;

  return {
    async botFromToken(token) {
      if (!TOKEN_SHAPE.test(token)) return null;
      const found = await store.botTokens.findByHash(hashBotToken(token));
      if (!found) return null;
      const owner = await deps.owner(found.accountId);
      if (!owner || owner.banned) return null;
      const known = await store.users.find(found.id);
      return {
        user: { id: found.id, name: known?.name ?? found.name, guest: false },
        account: {
          accountId: found.accountId,
          email: owner.email,
          role: "user",
          sessionId: null,
          botTokenId: found.id,
        },
      };
    },
    async create(accountId, name) {
      const token = newBotToken();
      const record = await store.botTokens.create(
        accountId,
        name,
        hashBotToken(token),
        MAX_BOT_TOKENS_PER_ACCOUNT,
      );
      try {
        // The bot's chat identity, under the token's name, before anyone can connect with it.
        await store.users.rename(record.id, name);
      } catch (error) {
        // Nothing half-made: a token whose secret nobody was shown must not stay.
        await store.botTokens.revoke(accountId, record.id).catch(() => {});
        throw error;
      }
      return { token, record };
    },
    list: (accountId) => store.botTokens.list(accountId),
    async revoke(accountId, id) {
      const revoked = await store.botTokens.revoke(accountId, id);
      if (revoked) io?.in(botTokenRoom(id)).disconnectSockets(true);
      return revoked;
    },
    attach(attached) {
      io = attached;
    },
  };
}

/** A token's owner, read through better-auth's own adapter (its tables, its field names). */
export function ownerFromAuth(auth: Auth): BotTokensDeps["owner"] {
  return async (accountId) => {
    const context = await auth.$context;
    const user = (await context.internalAdapter.findUserById(accountId)) as
      | ({ email: string; banned?: boolean | null; banExpires?: Date | null } & object)
      | null;
    if (!user) return null;
    // The admin plugin's bans may end by themselves; an ended one no longer bars the bot.
    const banEnded = user.banExpires ? new Date(user.banExpires).getTime() <= Date.now() : false;
    return { email: user.email, banned: user.banned === true && !banEnded };
  };
}
