import type { HandshakeAccounts } from "./accounts/account-handshake";
import type { Identities } from "./identity/identities";
import type { Logger } from "./logger";
import type { NotificationsConfig } from "./notifications/notifications-config";
import type { ChatMetrics } from "./ops/metrics";
import type { RoomsConfig } from "./rooms/rooms-config";
import type { SecurityLimits } from "./security/security-config";
import type { ServedHosts } from "./security/served-hosts";
import type { ChatStore } from "./store/types";

/**
 * What the chat server is composed from. It names features (Identities), so
 * it lives with the composition (chat-server.ts), not in the transport below them.
 */
export type ChatServerDeps = {
  store: ChatStore;
  identities: Identities;
  /** Accounts (sign-in sessions, bot tokens, GUEST_ACCESS); without them every connection is a guest. */
  accounts?: HandshakeAccounts;
  logger: Logger;
  /** Rate, size and origin limits; the defaults suit a public server. */
  limits?: Partial<SecurityLimits>;
  /** Where the chat reports acks, stored messages and refusals; none in most tests. */
  metrics?: ChatMetrics;
  /** The hosts this server answers to (shared with the page handler); derived from `limits` when absent. */
  servedHosts?: ServedHosts;
  /** Who may make public rooms (PUBLIC_ROOM_CREATION); anyone when absent. */
  rooms?: RoomsConfig;
  /** Web Push and its delay; without it, only open tabs hear of messages. */
  notifications?: NotificationsConfig;
  /**
   * Told when a delete released a message's files, so that they go now rather
   * than at the next periodic sweep; absent in tests without file storage.
   */
  files?: { sweepSoon(): void };
};
