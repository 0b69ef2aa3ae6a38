import type { HistoryBudget } from "./history-budget";
import type { RequestBudgets } from "./request-budgets";
import type { SendBacklog } from "./send-backlog";

/** What the request handlers check beyond validation. */
export type ChatLimits = {
  /** Spends from the budgets (its identity's and its address's) of what a request changes. */
  spend: RequestBudgets["spend"];
  /** Spends the deliveries of a broadcast from its sender's address. */
  deliver: RequestBudgets["deliver"];
  /** The bytes of stored messages changes rewrite, per address. */
  rewrites: RequestBudgets["rewrites"];
  /** Admits every page of history: bytes and pages under way, per address. */
  history: HistoryBudget;
  maxRoomsPerConnection: number;
  /** Sends accepted and not yet answered: past its delay limit, new sends are refused. */
  sendBacklog: SendBacklog;
};
