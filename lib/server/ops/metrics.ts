import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { HealthState } from "../store/store-health";

/** What the chat reports while it works; the handlers know nothing of Prometheus. */
export type ChatMetrics = {
  messageStored(): void;
  /** Seconds from receiving a `message:send` to acknowledging it. */
  ackLatency(seconds: number): void;
  rateLimited(limit: string): void;
};

export type Metrics = ChatMetrics & {
  readonly registry: Registry;
  /** Seconds a store call took, labelled by operation. */
  databaseLatency(operation: string, seconds: number): void;
  /** The store's writes began failing (or it found damage), by kind of fault. */
  databaseFault(kind: string): void;
  render(): Promise<string>;
  contentType: string;
};

/**
 * Prometheus metrics: the chat's own plus Node's process metrics (CPU, memory,
 * event-loop lag, GC). Gauges that can be read at scrape time are, so the
 * message path only increments counters and observes histograms.
 */
const HEALTH_STATES: readonly HealthState["status"][] = ["ok", "failing", "corrupt"];

export function createMetrics(sources: {
  connectedSockets: () => number;
  databaseHealth: () => HealthState["status"];
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: "scrollback_connected_sockets",
    help: "Socket.IO connections currently open on this instance",
    registers: [registry],
    collect() {
      this.set(sources.connectedSockets());
    },
  });
  const stored = new Counter({
    name: "scrollback_messages_stored_total",
    help: "Messages committed to the store by this instance (retries that were duplicates excluded)",
    registers: [registry],
  });
  const ack = new Histogram({
    name: "scrollback_message_ack_seconds",
    help: "Time from receiving message:send to acknowledging it",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const database = new Histogram({
    name: "scrollback_database_seconds",
    help: "Time spent in store operations",
    labelNames: ["operation"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  new Gauge({
    name: "scrollback_database_health",
    help: "1 for the state the store's writes are in (ok, failing: answered unavailable while probing, corrupt: stopped), 0 for the others",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const current = sources.databaseHealth();
      for (const state of HEALTH_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  const faults = new Counter({
    name: "scrollback_database_faults_total",
    help: "Times the store's writes began failing, by kind (full, busy, io, connection, capacity, corrupt)",
    labelNames: ["kind"],
    registers: [registry],
  });
  const limited = new Counter({
    name: "scrollback_rate_limited_total",
    help: "Requests or connections refused by a rate limit",
    labelNames: ["limit"],
    registers: [registry],
  });

  return {
    registry,
    messageStored: () => stored.inc(),
    ackLatency: (seconds) => ack.observe(seconds),
    rateLimited: (limit) => limited.inc({ limit }),
    databaseLatency: (operation, seconds) => database.observe({ operation }, seconds),
    databaseFault: (kind) => faults.inc({ kind }),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
