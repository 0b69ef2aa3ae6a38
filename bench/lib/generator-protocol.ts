import type { HistogramData } from "./histogram";
import type { Credentials, TargetKind } from "./wire";

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
      /** Scrollback: what each of this process's new clients presents, in order (none: a new guest each time). */
      credentials?: Credentials[];
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
  | {
      cmd: "react";
      /** Open loop at this rate (changes/s, this process), each sender toggling its own reactions. */
      rate: number;
      senders: number;
      durationMs: number;
      /** How long to keep counting updates after the last request. */
      settleMs: number;
      /** The messages reacted to, by id, and the emoji used (at most the per-message limit). */
      messages: string[];
      emoji: string[];
    }
  | { cmd: "reconnect"; count: number }
  | { cmd: "close" };

export type ConnectReport = {
  connected: number;
  failed: number;
  /** Clients whose `session` named an account (Scrollback). */
  signedIn: number;
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

/** One acknowledged change: its rev, when it was sent and when its ack arrived (epoch ms). */
export type AckedChange = [rev: number, sentAt: number, ackAt: number];
/** One rev as this process's clients received it: how many of them, and when the last one did. */
export type ReceivedUpdate = [rev: number, clients: number, lastAt: number];

export type ReactReport = {
  sent: number;
  acked: AckedChange[];
  rejected: Record<string, number>;
  /** Requests not sent because every reaction of that sender was still awaiting its ack. */
  skipped: number;
  unacked: number;
  received: ReceivedUpdate[];
  /** `message:updated` frames received in the step, and their bytes (WebSocket payloads). */
  updateFrames: number;
  updateBytes: number;
  cpuMs: number;
  dropped: number;
};

export type ReconnectReport = {
  reconnected: number;
  failed: number;
  signedIn: number;
  /** Opening the socket to being ready (connected and joined), as ConnectReport's. */
  connectMs: HistogramData;
  historyMs: HistogramData;
  historyBytes: number;
};

export type GeneratorReply =
  | ({ reply: "connect" } & ConnectReport)
  | ({ reply: "load" } & LoadReport)
  | ({ reply: "closed-loop" } & LoadReport)
  | ({ reply: "react" } & ReactReport)
  | ({ reply: "reconnect" } & ReconnectReport)
  | { reply: "close" }
  | { reply: "error"; message: string };
