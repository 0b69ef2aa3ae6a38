/**
 * Which connections to cut off so that output waiting for clients stays
 * bounded: every connection over its own limit, then — while the total is
 * still over the server-wide budget — the ones holding the most, since those
 * are the clients that read slowest. Pure, so it is tested on its own.
 */
export type QueuedOutput<K> = { key: K; bytes: number };

export function connectionsToCutOff<K>(
  queued: readonly QueuedOutput<K>[],
  limits: { perConnection: number; total: number },
): K[] {
  const cut: K[] = [];
  let total = 0;
  const kept: QueuedOutput<K>[] = [];
  for (const entry of queued) {
    if (entry.bytes > limits.perConnection) cut.push(entry.key);
    else {
      total += entry.bytes;
      kept.push(entry);
    }
  }
  if (total <= limits.total) return cut;
  kept.sort((a, b) => b.bytes - a.bytes);
  for (const entry of kept) {
    if (total <= limits.total) break;
    cut.push(entry.key);
    total -= entry.bytes;
  }
  return cut;
}
