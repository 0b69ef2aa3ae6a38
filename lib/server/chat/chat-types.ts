import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents, User } from "../../shared/protocol";
import type { Identities } from "../identity/identities";
import type { Logger } from "../logger";
import type { ChatMetrics } from "../ops/metrics";
import type { HistoryBudget } from "../security/history-budget";
import type { RequestBudgets } from "../security/request-budgets";
import type { SecurityLimits } from "../security/security-config";
import type { ServedHosts } from "../security/served-hosts";
import type { ChatStore } from "../store/types";
import type { SendBacklog } from "./send-backlog";

/** Events between the instances of one deployment (through the Redis adapter). */
export type InterServerEvents = {
  /** A user was renamed on one instance; the others update their connections of that user. */
  "user:renamed": (user: User) => void;
};
export type SocketData = {
  user: User;
  /** The bot token this connection is told in `session`; none for a browser that came with its cookie. */
  botToken: string | undefined;
};
export type ChatIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export type ChatServerDeps = {
  store: ChatStore;
  identities: Identities;
  logger: Logger;
  /** Rate, size and origin limits; the defaults suit a public server. */
  limits?: Partial<SecurityLimits>;
  /** Where the chat reports acks, stored messages and refusals; none in most tests. */
  metrics?: ChatMetrics;
  /** The hosts this server answers to (shared with the page handler); derived from `limits` when absent. */
  servedHosts?: ServedHosts;
};

/** What the request handlers check beyond validation. */
export type ChatLimits = {
  /** Spends from the budgets (its identity's and its address's) of what a request changes. */
  spend: RequestBudgets["spend"];
  /** Spends the deliveries of a broadcast from its sender's address. */
  deliver: RequestBudgets["deliver"];
  /** Admits every page of history: bytes and pages under way, per address. */
  history: HistoryBudget;
  maxRoomsPerConnection: number;
  /** Sends accepted and not yet answered: past its delay limit, new sends are refused. */
  sendBacklog: SendBacklog;
};

/** The Socket.IO room that holds every connection of one user (their tabs). */
export const userRoom = (userId: string) => `user:${userId}`;
