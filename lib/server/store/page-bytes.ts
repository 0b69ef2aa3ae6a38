import { MAX_PAGE_BYTES, MESSAGE_OVERHEAD_BYTES } from "../../shared/limits";
import type { ChatMessage } from "../../shared/protocol";

/** What one message weighs in a page: the UTF-8 bytes of its text and an allowance for its other fields. */
export function messageBytes(text: string): number {
  return Buffer.byteLength(text, "utf8") + MESSAGE_OVERHEAD_BYTES;
}

/**
 * What of a message is weighed: its text and its attachments' JSON, as the
 * stores keep it beside the text (attachment-rows.ts), so that a page of
 * messages each carrying ten files stays as bounded as a page of long texts.
 */
export function weighedText(message: Pick<ChatMessage, "text" | "attachments">): string {
  return message.attachments ? message.text + JSON.stringify(message.attachments) : message.text;
}

/** What a page weighs, counted as `takePage` counts it. */
export function pageBytes(messages: readonly Pick<ChatMessage, "text" | "attachments">[]): number {
  let total = 0;
  for (const message of messages) total += messageBytes(weighedText(message));
  return total;
}

/**
 * The rows of one history page, taken in the order they are read (newest
 * first going back, oldest first going forward) until the page holds `limit`
 * rows or one more would take it past `maxBytes`. The first row is always
 * taken, however long, so that every page moves its reader on. `hasMore`
 * says a row was left out, which the caller makes possible by offering one
 * row beyond `limit`. Reading stops at the first row left out, so a store
 * that streams its rows never reads further than that.
 */
export function takePage<R>(
  rows: Iterable<R>,
  limit: number,
  textOf: (row: R) => string,
  maxBytes: number = MAX_PAGE_BYTES,
): { rows: R[]; hasMore: boolean } {
  const kept: R[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (kept.length >= limit) return { rows: kept, hasMore: true };
    const weight = messageBytes(textOf(row));
    if (kept.length > 0 && bytes + weight > maxBytes) return { rows: kept, hasMore: true };
    kept.push(row);
    bytes += weight;
  }
  return { rows: kept, hasMore: false };
}
