import { describeFault, type StorageFault } from "./storage-faults";

export type HealthState =
  | { status: "ok" }
  /** Writes fail for the storage (disk full, lock held, I/O error); the store probes until one succeeds. */
  | { status: "failing"; fault: StorageFault; since: Date }
  /** The data is damaged: no write is attempted again until the process restarts on a sound file. */
  | { status: "corrupt"; fault: StorageFault; detail: string; since: Date };

export type HealthListener = (state: HealthState, previous: HealthState) => void;

export type StoreHealthOptions = {
  /** How often a failing store tries a small write of its own, to notice recovery without traffic. */
  probeIntervalMs?: number;
};

const DEFAULT_PROBE_INTERVAL_MS = 1_000;

/**
 * Whether a store's writes are succeeding, as its write results say. A read
 * that works says nothing about a full disk or a lock held by another
 * process, so readiness asks this instead of a ping alone. While writes fail,
 * a probe write (given by the engine, fed back through its write path) runs
 * every `probeIntervalMs`, so the state recovers by itself once the disk is
 * freed or the lock released, even when no client is sending. Corruption is
 * final for the life of the process.
 */
export class StoreHealth {
  private state: HealthState = { status: "ok" };
  private readonly listeners = new Set<HealthListener>();
  private probeTimer: NodeJS.Timeout | undefined;
  private probe: (() => Promise<unknown>) | undefined;
  private closed = false;
  private readonly probeIntervalMs: number;

  constructor(options: StoreHealthOptions = {}) {
    this.probeIntervalMs = options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
  }

  get current(): HealthState {
    return this.state;
  }

  /** Whether writes may be acknowledged: false once the data is known to be damaged. */
  get writable(): boolean {
    return this.state.status !== "corrupt";
  }

  /** The write the store tries on its own while failing; it must report back through `writeSucceeded`/`writeFailed`. */
  setProbe(probe: () => Promise<unknown>): void {
    this.probe = probe;
  }

  writeSucceeded(): void {
    if (this.state.status !== "failing") return;
    this.change({ status: "ok" });
  }

  writeFailed(fault: StorageFault): void {
    if (fault.kind === "corrupt") {
      this.corrupted(fault, describeFault(fault));
      return;
    }
    if (this.state.status !== "ok") return;
    this.change({ status: "failing", fault, since: new Date() });
  }

  corrupted(fault: StorageFault, detail: string): void {
    if (this.state.status === "corrupt") return;
    this.change({ status: "corrupt", fault, detail, since: new Date() });
  }

  subscribe(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private change(next: HealthState): void {
    const previous = this.state;
    this.state = next;
    if (next.status === "failing") this.scheduleProbe();
    else {
      clearTimeout(this.probeTimer);
      this.probeTimer = undefined;
    }
    for (const listener of this.listeners) listener(next, previous);
  }

  private scheduleProbe(): void {
    if (this.closed || this.probeTimer || !this.probe) return;
    const probe = this.probe;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      // The probe reports its own outcome; what it throws is already counted.
      probe()
        .catch(() => {})
        .finally(() => {
          if (this.state.status === "failing") this.scheduleProbe();
        });
    }, this.probeIntervalMs);
    this.probeTimer.unref();
  }
}

/** What /readyz shows for the store's writes: "ok", or the fault and since when. */
export function describeHealth(state: HealthState): string {
  switch (state.status) {
    case "ok":
      return "ok";
    case "failing":
      return `writes failing since ${state.since.toISOString()}: ${describeFault(state.fault)}`;
    case "corrupt":
      return `writes stopped since ${state.since.toISOString()}: ${state.detail}`;
  }
}
