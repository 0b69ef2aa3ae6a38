import type { SecurityLimits } from "../../lib/server/security/security-config";

/** Messages between the flood matrix and its attacker process. */
export type FloodCommand =
  | {
      cmd: "connect";
      url: string;
      /** The address every attacking connection is bound to. */
      localAddress: string;
      connections: number;
    }
  | {
      cmd: "flood";
      /** A row of FLOOD_TABLE, by name. */
      row: string;
      limits: SecurityLimits;
      archiveLatestSeq: number;
      /** Frames per second each connection sends. */
      perConnectionPerSecond: number;
      durationMs: number;
      /** How long to wait for the last answers after the last frame. */
      settleMs: number;
    }
  | { cmd: "close" };

export type ConnectedReport = {
  reply: "connected";
  connected: number;
  failed: number;
  firstError: string | null;
};

export type FloodReport = {
  reply: "flooded";
  sent: number;
  /** Requests answered `ok: true`. */
  accepted: number;
  /** Requests refused, by error code. */
  refused: Record<string, number>;
  /** Requests without an answer by the end of the settle time. */
  unanswered: number;
  /** Connections the server closed while the row ran. */
  disconnected: number;
  /** Bytes the attackers received. */
  bytesReceived: number;
  /** Messages the server acknowledged to the attackers, to check none is lost. */
  ackedMessageIds: string[];
  cpuMs: number;
};

export type FloodReply =
  | ConnectedReport
  | FloodReport
  | { reply: "closed" }
  | { reply: "error"; message: string };
