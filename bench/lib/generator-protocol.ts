import type { HistogramData } from "./histogram";
import type { TargetKind } from "./wire";

/** Messages between the benchmark and its load-generator processes. */
export type GeneratorCommand =
  | {
      cmd: "connect";
      kind: TargetKind;
      url: string;
      count: number;
      idOffset: number;
      concurrency: number;
      /** Scrollback: each client in a room of its own instead of all in the bench room. */
      roomPerClient: boolean;
    }
  | {
      cmd: "load";
      /** Marks this step's messages; deliveries of other tags (warm-up, earlier steps) are not counted. */
      tag: string;
      /** Messages per second this process sends, spread over its senders. */
      rate: number;
      senders: number;
      durationMs: number;
      /** How long to keep counting deliveries after the last send. */
      settleMs: number;
      fillerBytes: number;
    }
  | {
      cmd: "closed-loop";
      tag: string;
      senders: number;
      durationMs: number;
      settleMs: number;
      fillerBytes: number;
    }
  | { cmd: "reconnect"; count: number }
  | { cmd: "close" };

export type ConnectReport = {
  connected: number;
  failed: number;
  firstError: string | null;
  connectMs: HistogramData;
};

export type LoadReport = {
  sent: number;
  acked: number;
  rejected: Record<string, number>;
  unacked: number;
  deliveries: number;
  latency: HistogramData;
  ackLatency: HistogramData;
  /** This process's own CPU over the step, in ms. */
  cpuMs: number;
  /** Clients the server closed during the step. */
  dropped: number;
};

export type ReconnectReport = {
  reconnected: number;
  failed: number;
  historyMs: HistogramData;
  historyBytes: number;
};

export type GeneratorReply =
  | ({ reply: "connect" } & ConnectReport)
  | ({ reply: "load" } & LoadReport)
  | ({ reply: "closed-loop" } & LoadReport)
  | ({ reply: "reconnect" } & ReconnectReport)
  | { reply: "close" }
  | { reply: "error"; message: string };
