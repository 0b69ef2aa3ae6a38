import type { ProtocolError } from "../shared/errors";
import type { ChatMessage, Result } from "../shared/protocol";
import {
  asFailed,
  type ChangeOperation,
  isSend,
  type OutboxEntry,
  type OutboxOperation,
  type OutboxStorage,
} from "./outbox";
import { filesVerdict } from "./outbox-files";
import type { RoomContext } from "./sync-engine";
import { retryDelay, sleep } from "./transport";
import type { PendingFile } from "./upload-state";

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
  /** The operation was acknowledged and left the outbox. */
  delivered?(operation: OutboxOperation): void;
  /** Absent: a message whose files are not uploaded yet is shown failed (they cannot be). */
  readonly files?: SenderFiles;
};

/** The page's uploads, as the sender needs them to know whether a message's files are ready. */
export type SenderFiles = {
  /** This page's id (page-lock.ts): entries it made with unfinished files name it. */
  readonly page: string;
  get(localId: string): PendingFile | undefined;
  isPageOpen(page: string): Promise<boolean>;
  /** Takes over the files of a page that closed, if their bytes were kept (file-vault.ts). */
  adopt?(localIds: readonly string[]): Promise<boolean>;
};

type Answer = Result<{ message: ChatMessage }> | null;

/**
 * Applies the outbox, one operation at a time, oldest first, each until it is
 * acknowledged or refused: order matters (an edit after the send it edits, a
 * reaction removed after it was added). One flush per connection.
 */
export class OutboxSender {
  private flushingOn: number | null = null;
  /**
   * A flush was asked for while one ran: it runs again when that one ends,
   * since the running one may already have looked (an upload that settled
   * just after the check for it would otherwise wait for the next reason).
   */
  private again = false;

  constructor(private readonly context: SenderContext) {}

  private isCurrent(connection: number): boolean {
    return connection === this.context.connection();
  }

  async flush(): Promise<void> {
    const { context } = this;
    const connection = context.connection();
    if (this.flushingOn === connection) {
      this.again = true;
      return;
    }
    this.flushingOn = connection;
    this.again = false;
    try {
      while (this.isCurrent(connection) && context.store.state.joined) {
        // Read afresh every time: another tab may have delivered, failed or discarded entries.
        let operation = context.storage.load(context.room).find((e) => e.state === "pending");
        if (!operation) return;
        if (isSend(operation) && operation.files?.some((f) => !f.attachment)) {
          const ready = await this.withUploadedFiles(operation);
          // Waiting for uploads holds back later operations too: messages go in the order written.
          if (!ready || !this.isCurrent(connection)) return;
          if (ready === "settled") continue;
          operation = ready;
        }
        const result = await this.apply(operation);
        if (result?.ok) {
          context.storage.remove(context.room, operation.clientId);
          context.delivered?.(operation);
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
      if (this.flushingOn === connection) {
        this.flushingOn = null;
        if (this.again && this.isCurrent(connection)) void this.flush();
      }
    }
  }

  /**
   * The entry with its files' attachments recorded (stored first, so another
   * tab or a reload can send it without the bytes); null to wait for uploads
   * still running; "settled" when it was marked failed instead.
   */
  private async withUploadedFiles(entry: OutboxEntry): Promise<OutboxEntry | "settled" | null> {
    const { storage, room, files } = this.context;
    const here = files ?? { page: "", get: () => undefined };
    const ownerOpen =
      entry.page !== undefined && entry.page !== here.page && files
        ? await files.isPageOpen(entry.page)
        : false;
    const verdict = filesVerdict(entry, here, ownerOpen);
    if (verdict.kind === "wait") return null;
    // Another tab may have delivered, recorded or discarded it meanwhile.
    const stored = storage.load(room).find((e) => e.clientId === entry.clientId);
    if (!stored || !isSend(stored)) return "settled";
    if (verdict.kind === "failed" && verdict.orphaned && files?.adopt) {
      const unfinished = (stored.files ?? []).filter((f) => !f.attachment).map((f) => f.localId);
      if (await files.adopt(unfinished)) {
        // This page uploads them now; the message waits for it as for its own.
        storage.put({ ...stored, page: files.page });
        this.context.refresh();
        return null;
      }
    }
    if (verdict.kind === "failed") {
      storage.put({
        ...asFailed(stored, { code: "invalid_attachment", message: verdict.reason }),
        ...(verdict.lost ? { filesLost: true } : {}),
      });
      this.context.refresh();
      return "settled";
    }
    const { page: _page, ...rest } = stored;
    const ready: OutboxEntry = { ...rest, files: verdict.files };
    storage.put(ready);
    this.context.refresh();
    return ready;
  }

  private apply(operation: OutboxOperation): Promise<Answer> {
    const { room, transport } = this.context;
    if (isSend(operation)) {
      const attachments = (operation.files ?? []).flatMap((f) =>
        f.attachment ? [f.attachment.id] : [],
      );
      return transport.request("message:send", {
        room,
        text: operation.text,
        clientId: operation.clientId,
        ...(operation.replyTo ? { replyTo: operation.replyTo.id } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
      });
    }
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
