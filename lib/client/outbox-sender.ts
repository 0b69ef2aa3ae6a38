import type { ProtocolError } from "../shared/errors";
import type { ChatMessage, Result } from "../shared/protocol";
import {
  asFailed,
  type ChangeOperation,
  isSend,
  type OutboxOperation,
  type OutboxStorage,
} from "./outbox";
import type { RoomContext } from "./sync-engine";
import { retryDelay, sleep } from "./transport";

/**
 * Errors that go away by waiting: the same operation is sent again later.
 * Any other refusal (invalid, too long, not yours, no such message, an
 * internal error, a code this client does not know) settles the operation:
 * a send is marked failed, for the person to retry or discard; a change is
 * dropped and reported (`snapshot.refused`).
 */
const TRANSIENT_ERRORS = new Set<ProtocolError["code"]>(["rate_limited", "unavailable"]);

export type SenderContext = RoomContext & {
  readonly storage: OutboxStorage;
  /** Merges an acknowledged message like a live one. */
  acknowledged(message: ChatMessage): void;
  /** The room must be joined again (the server said `not_joined`). */
  rejoin(connection: number): void;
  /** Reads the outbox afresh into the snapshot. */
  refresh(): void;
};

type Answer = Result<{ message: ChatMessage }> | null;

/**
 * Applies the outbox, one operation at a time, oldest first, each until it is
 * acknowledged or refused: order matters (an edit after the send it edits, a
 * reaction removed after it was added). One flush per connection.
 */
export class OutboxSender {
  private flushingOn: number | null = null;

  constructor(private readonly context: SenderContext) {}

  private isCurrent(connection: number): boolean {
    return connection === this.context.connection();
  }

  async flush(): Promise<void> {
    const { context } = this;
    const connection = context.connection();
    if (this.flushingOn === connection) return;
    this.flushingOn = connection;
    try {
      while (this.isCurrent(connection) && context.store.state.joined) {
        // Read afresh every time: another tab may have delivered, failed or discarded entries.
        const operation = context.storage.load(context.room).find((e) => e.state === "pending");
        if (!operation) return;
        const result = await this.apply(operation);
        if (result?.ok) {
          context.storage.remove(context.room, operation.clientId);
          context.refresh();
          context.acknowledged(result.message);
        } else if (!this.isCurrent(connection)) {
          // The new connection applies the operation again; this answer settles nothing.
          return;
        } else if (result === null) {
          // No answer: it may or may not be applied. Resending is safe either way.
          await sleep(context.retryDelayMs);
        } else if (result.error.code === "not_joined") {
          context.store.update({ joined: false });
          context.rejoin(connection);
          return;
        } else if (TRANSIENT_ERRORS.has(result.error.code)) {
          await sleep(retryDelay(result, context.retryDelayMs));
        } else {
          this.refuse(operation, result.error);
        }
      }
    } finally {
      if (this.flushingOn === connection) this.flushingOn = null;
    }
  }

  private apply(operation: OutboxOperation): Promise<Answer> {
    const { room, transport } = this.context;
    if (isSend(operation))
      return transport.request("message:send", {
        room,
        text: operation.text,
        clientId: operation.clientId,
        ...(operation.replyTo ? { replyTo: operation.replyTo.id } : {}),
      });
    const change: ChangeOperation = operation;
    switch (change.kind) {
      case "edit":
        return transport.request("message:edit", { room, id: change.id, text: change.text });
      case "delete":
        return transport.request("message:delete", { room, id: change.id });
      case "react":
        return transport.request("reaction:add", { room, id: change.id, emoji: change.emoji });
      case "unreact":
        return transport.request("reaction:remove", { room, id: change.id, emoji: change.emoji });
    }
  }

  private refuse(operation: OutboxOperation, error: ProtocolError): void {
    const { storage, room, store } = this.context;
    // Another tab may have delivered or discarded it meanwhile; do not bring it back.
    const stored = storage.load(room).find((e) => e.clientId === operation.clientId);
    if (isSend(operation)) {
      if (stored) storage.put(asFailed(stored, error));
    } else {
      storage.remove(room, operation.clientId);
      store.update({ refused: { operation, error } });
    }
    this.context.refresh();
  }
}
