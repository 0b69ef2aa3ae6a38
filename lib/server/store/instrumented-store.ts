import type {
  ChangesPage,
  ChatMessage,
  Page,
  ReactionUsersResult,
  RoomSummary,
  User,
} from "../../shared/protocol";
import type {
  AppendResult,
  ChangeRequest,
  ChangeResult,
  ChatStore,
  HistoryBatch,
  NewMessage,
} from "./types";

type Observe = (operation: string, seconds: number) => void;

/** The same store, timing every call (successful or not) for the database latency metric. */
export class InstrumentedStore implements ChatStore {
  constructor(
    private readonly inner: ChatStore,
    private readonly observe: Observe,
  ) {}

  get health() {
    return this.inner.health;
  }

  private async time<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await call();
    } finally {
      this.observe(operation, (performance.now() - started) / 1000);
    }
  }

  appendMessage(input: NewMessage): Promise<AppendResult> {
    return this.time("appendMessage", () => this.inner.appendMessage(input));
  }
  changeMessage(input: ChangeRequest): Promise<ChangeResult> {
    return this.time("changeMessage", () => this.inner.changeMessage(input));
  }
  importHistory(
    batches: Iterable<HistoryBatch> | AsyncIterable<HistoryBatch>,
  ): Promise<{ messages: number }> {
    return this.time("importHistory", () => this.inner.importHistory(batches));
  }
  changesAfter(room: string, after: number, limit: number): Promise<ChangesPage> {
    return this.time("changesAfter", () => this.inner.changesAfter(room, after, limit));
  }
  reactionUsers(
    room: string,
    id: string,
    emoji: string,
    limit: number,
  ): Promise<ReactionUsersResult> {
    return this.time("reactionUsers", () => this.inner.reactionUsers(room, id, emoji, limit));
  }
  ownReactions(
    room: string,
    userId: string,
    messages: readonly ChatMessage[],
  ): Promise<Map<string, string[]>> {
    return this.time("ownReactions", () => this.inner.ownReactions(room, userId, messages));
  }
  latestRev(room: string): Promise<number> {
    return this.time("latestRev", () => this.inner.latestRev(room));
  }
  latestMessages(room: string, limit: number): Promise<Page> {
    return this.time("latestMessages", () => this.inner.latestMessages(room, limit));
  }
  messagesBefore(room: string, before: number, limit: number): Promise<Page> {
    return this.time("messagesBefore", () => this.inner.messagesBefore(room, before, limit));
  }
  messagesAfter(room: string, after: number, limit: number): Promise<Page> {
    return this.time("messagesAfter", () => this.inner.messagesAfter(room, after, limit));
  }
  latestSeq(room: string): Promise<number> {
    return this.time("latestSeq", () => this.inner.latestSeq(room));
  }
  recentRooms(limit: number): Promise<RoomSummary[]> {
    return this.time("recentRooms", () => this.inner.recentRooms(limit));
  }
  createUser(user: User): Promise<User> {
    return this.time("createUser", () => this.inner.createUser(user));
  }
  findUser(id: string): Promise<User | null> {
    return this.time("findUser", () => this.inner.findUser(id));
  }
  renameUser(id: string, name: string): Promise<User> {
    return this.time("renameUser", () => this.inner.renameUser(id, name));
  }
  credentialGeneration(userId: string): Promise<number> {
    return this.time("credentialGeneration", () => this.inner.credentialGeneration(userId));
  }
  revokeCredentials(userId: string): Promise<number> {
    return this.time("revokeCredentials", () => this.inner.revokeCredentials(userId));
  }
  ping(): Promise<void> {
    return this.time("ping", () => this.inner.ping());
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
