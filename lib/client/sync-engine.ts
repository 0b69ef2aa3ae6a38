import type { ProtocolError } from "../shared/errors";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_REPLAYED_CHANGES } from "../shared/limits";
import type {
  ChatMessage,
  MemberChange,
  MessageUpdate,
  Result,
  RoomJoinResult,
} from "../shared/protocol";
import { pickCopy, withOwnReaction } from "./reconcile";
import type { RoomStore } from "./room-store";
import {
  inWindow,
  mergeMessages,
  missingAfter,
  noteLatestSeq,
  noteRoomStart,
  type Timeline,
  timelineOf,
} from "./timeline";
import { retryDelay, sleep, type Transport } from "./transport";

/** Copies parked at most (see `outside`); a page in flight races only a few changes. */
const MAX_PARKED = 500;

/** What the sync engine shares with the room's other parts. */
export type RoomContext = {
  readonly room: string;
  readonly transport: Transport;
  readonly store: RoomStore;
  readonly retryDelayMs: number;
  /** The current connection's number: work begun on an older one does not act on a newer one. */
  connection(): number;
  myId(): string | undefined;
  /** Called once per connection when the room is joined: the outbox may be sent. */
  onJoined(): void;
  /** Called with messages as they arrive, to settle the outbox (delivered sends, deleted messages). */
  onMessages(messages: readonly ChatMessage[]): void;
  /** Called with each join's answer: the room's settings and the person's own membership. */
  onJoinAnswer(result: RoomJoinResult): void;
  /** Called with membership changes, live or replayed, in rev order. */
  onMemberChanges(changes: readonly MemberChange[]): void;
  /**
   * The server refused the room itself (`forbidden` on its join, history or
   * changes): the person may not read it. The engine stops asking.
   */
  onRefused(error: ProtocolError): void;
};

/**
 * Keeps one room's timeline complete and current: joins on every connect,
 * loads pages on demand, fills gaps in seq (messages missing) with
 * `history:after` and gaps in rev (changes missing) with `changes:after`.
 *
 * The rev side: `highestRev` is the rev up to which every change of the
 * room is reflected in what is held. It comes from the first join's
 * `latestRev` (the page is current as of it), moves on by one with each
 * live event or ack that is the next change, and jumps with each
 * `changes:after` page. An event beyond the next, or a reconnect, starts a
 * replay from it; being more than MAX_REPLAYED_CHANGES behind drops what is
 * held and loads the newest page instead, since older pages loaded later are
 * current by construction.
 */
export class SyncEngine {
  /** Set by the first successful join (see `highestRev`). */
  private synced = false;
  private highestRev = 0;
  private knownLatestRev = 0;
  private catchingUpOn: number | null = null;
  private replayingOn: number | null = null;
  /**
   * The newest copy of messages changed while outside the held window. A
   * page that loads them may have been read just before the change, its
   * event arriving first; merging these after each page keeps it current.
   */
  private readonly outside = new Map<string, ChatMessage>();

  constructor(private readonly context: RoomContext) {}

  private get timeline(): Timeline {
    return this.context.store.state.timeline;
  }

  private isCurrent(connection: number): boolean {
    return connection === this.context.connection();
  }

  private request: Transport["request"] = (event, payload) =>
    this.context.transport.request(event, payload);

  /** The highest rev up to which the client reflects every change (for tests and diagnostics). */
  get contiguousRev(): number {
    return this.highestRev;
  }

  async join(connection: number): Promise<void> {
    const { room, store } = this.context;
    while (this.isCurrent(connection)) {
      const since = this.synced ? this.timeline.contiguousSeq : undefined;
      // Once synced only what came after is asked for; before that, the newest page.
      const result = await this.request("room:join", {
        room,
        ...(since === undefined ? { limit: DEFAULT_PAGE_SIZE } : { since, limit: MAX_PAGE_SIZE }),
      });
      if (!this.isCurrent(connection)) return;
      if (this.refused(result)) return;
      if (result?.ok) {
        this.context.onJoinAnswer(result);
        if (!this.synced) {
          this.synced = true;
          this.highestRev = Math.max(this.highestRev, result.latestRev);
          // A first page with nothing before it shows the room from its start: any
          // seq not held from 1 on is missing, even while the room is still empty.
          if (!result.hasMore) store.update({ timeline: noteRoomStart(this.timeline) });
        } else if (result.latestRev - this.highestRev > MAX_REPLAYED_CHANGES) {
          await this.reload(connection, result.latestSeq, result.latestRev);
          if (!this.isCurrent(connection)) return;
          store.update({ joined: true });
          this.context.onJoined();
          return;
        }
        this.knownLatestRev = Math.max(this.knownLatestRev, result.latestRev);
        this.receive(result.messages, result.latestSeq);
        // After a jump, a rejoin that brought everything after the window ends the jump.
        if (since !== undefined && !result.hasMore && store.state.hasNewer)
          store.update({ hasNewer: false });
        store.update({ joined: true });
        // Sending does not wait for a long catch-up: acks merge like any other message.
        void this.catchUp();
        void this.replay();
        this.context.onJoined();
        return;
      }
      await sleep(retryDelay(result, this.context.retryDelayMs));
    }
  }

  /** A `forbidden` answer ends the room for this person: told once, and nothing more is asked. */
  private refused(result: Result<object> | null): boolean {
    if (!result || result.ok || result.error.code !== "forbidden") return false;
    this.context.onRefused(result.error);
    return true;
  }

  /**
   * Too far behind to replay: what is held is dropped for the newest page,
   * which is at least as current as `latestRev`.
   */
  private async reload(connection: number, latestSeq: number, latestRev: number): Promise<void> {
    while (this.isCurrent(connection)) {
      const result = await this.request("history:before", {
        room: this.context.room,
        before: latestSeq + 1,
        limit: DEFAULT_PAGE_SIZE,
      });
      if (!this.isCurrent(connection) || this.refused(result)) return;
      if (result?.ok) {
        this.highestRev = latestRev;
        this.knownLatestRev = Math.max(this.knownLatestRev, latestRev);
        this.outside.clear();
        const timeline = noteLatestSeq(timelineOf(result.messages, !result.hasMore), latestSeq);
        this.context.store.update({ timeline, hasNewer: false });
        this.context.onMessages(result.messages);
        return;
      }
      await sleep(retryDelay(result, this.context.retryDelayMs));
    }
  }

  /** Messages from history pages: taken whatever their place. */
  private receive(messages: readonly ChatMessage[], latestSeq = 0): void {
    const { store } = this.context;
    const timeline = noteLatestSeq(
      mergeMessages(mergeMessages(this.timeline, messages), this.parkedAmong(messages)),
      latestSeq,
    );
    if (timeline !== this.timeline) store.update({ timeline });
    this.context.onMessages(messages);
    if (store.state.joined && !store.state.hasNewer && missingAfter(timeline) !== null)
      void this.catchUp();
  }

  /** Copies of changed or new messages: taken where they belong in the held window. */
  private receiveChanges(messages: readonly ChatMessage[]): void {
    const { hasNewer } = this.context.store.state;
    const timeline = this.timeline;
    const held = new Set(timeline.messages.map((m) => m.id));
    const taken: ChatMessage[] = [];
    for (const message of messages) {
      if (held.has(message.id) || inWindow(timeline, message.seq, hasNewer)) taken.push(message);
      else this.park(message);
    }
    this.receive(taken);
  }

  private park(message: ChatMessage): void {
    const parked = this.outside.get(message.id);
    this.outside.delete(message.id);
    this.outside.set(message.id, parked ? pickCopy(parked, message) : message);
    // Only the race with a page in flight needs them: the oldest go first.
    for (const id of this.outside.keys()) {
      if (this.outside.size <= MAX_PARKED) break;
      this.outside.delete(id);
    }
  }

  /** Parked copies of messages that a page just brought into the window, taken out of the parking. */
  private parkedAmong(messages: readonly ChatMessage[]): ChatMessage[] {
    if (this.outside.size === 0) return [];
    const found: ChatMessage[] = [];
    for (const message of messages) {
      const parked = this.outside.get(message.id);
      if (!parked) continue;
      found.push(parked);
      this.outside.delete(message.id);
    }
    return found;
  }

  /** A live `message:created`, or an ack of our own request: the next change, or a sign of a gap. */
  receiveLive(message: ChatMessage): void {
    this.receiveChanges([message]);
    this.noteRev(message.rev);
  }

  receiveUpdate(update: MessageUpdate): void {
    const { reaction, ...message } = update;
    this.receiveLive(withOwnReaction(message, reaction, this.context.myId()));
  }

  /**
   * A live `member:changed`: a change of the room like any other, so it
   * takes its place in the rev sequence (no replay for a gap it fills).
   */
  receiveMemberChange(change: MemberChange): void {
    this.context.onMemberChanges([change]);
    this.noteRev(change.rev);
  }

  private noteRev(rev: number): void {
    if (!this.synced) return;
    if (rev === this.highestRev + 1) this.highestRev = rev;
    if (rev > this.knownLatestRev) this.knownLatestRev = rev;
    if (this.knownLatestRev > this.highestRev) void this.replay();
  }

  /**
   * Fetches pages after the highest contiguous seq until nothing known is
   * missing. Live messages that arrive meanwhile are merged as they come; the
   * loop looks at the timeline afresh before every page.
   */
  private async catchUp(): Promise<void> {
    const { store, room } = this.context;
    const connection = this.context.connection();
    if (this.catchingUpOn === connection) return;
    this.catchingUpOn = connection;
    try {
      while (this.isCurrent(connection) && store.state.joined && !store.state.hasNewer) {
        const after = missingAfter(this.timeline);
        if (after === null) return;
        const result = await this.request("history:after", { room, after, limit: MAX_PAGE_SIZE });
        if (this.isCurrent(connection) && this.refused(result)) return;
        if (result?.ok) {
          this.receive(result.messages);
          // A page that does not move the timeline on would be asked for again forever.
          if (this.timeline.contiguousSeq <= after) return;
        } else if (this.isCurrent(connection)) {
          await sleep(retryDelay(result, this.context.retryDelayMs));
        }
      }
    } finally {
      if (this.catchingUpOn === connection) this.catchingUpOn = null;
    }
  }

  /**
   * Replays the room's changes after `highestRev` until none is known to be
   * missing: each page holds every message changed since, once, current.
   */
  private async replay(): Promise<void> {
    const { store, room } = this.context;
    const connection = this.context.connection();
    if (this.replayingOn === connection) return;
    this.replayingOn = connection;
    try {
      while (this.isCurrent(connection) && store.state.joined) {
        const after = this.highestRev;
        if (this.knownLatestRev <= after) return;
        const result = await this.request("changes:after", { room, after, limit: MAX_PAGE_SIZE });
        if (!this.isCurrent(connection) || this.refused(result)) return;
        if (result?.ok) {
          this.receiveChanges(result.messages);
          // Older servers send no members; their revs are then all messages'.
          const members = result.members ?? [];
          if (members.length > 0) this.context.onMemberChanges(members);
          const pageRev = [...result.messages, ...members].reduce(
            (max, change) => Math.max(max, change.rev),
            after,
          );
          this.knownLatestRev = Math.max(this.knownLatestRev, result.latestRev);
          const reached = result.hasMore ? pageRev : Math.max(pageRev, result.latestRev);
          this.highestRev = Math.max(this.highestRev, reached);
          // A page that moves nothing on would be asked for again forever.
          if (this.highestRev <= after) return;
        } else {
          await sleep(retryDelay(result, this.context.retryDelayMs));
        }
      }
    } finally {
      if (this.replayingOn === connection) this.replayingOn = null;
    }
  }

  async loadOlder(): Promise<void> {
    const { store, room } = this.context;
    const oldest = this.timeline.messages[0];
    if (!oldest || oldest.seq <= 1 || store.state.loadingOlder) return;
    store.update({ loadingOlder: true });
    try {
      const result = await this.request("history:before", {
        room,
        before: oldest.seq,
        limit: DEFAULT_PAGE_SIZE,
      });
      if (result?.ok) this.receive(result.messages);
    } finally {
      store.update({ loadingOlder: false });
    }
  }

  /** After a jump: the page after the newest held; once none is left, live messages flow again. */
  async loadNewer(): Promise<void> {
    const { store, room } = this.context;
    const newest = this.timeline.messages.at(-1);
    if (!store.state.hasNewer || !newest || store.state.loadingNewer) return;
    store.update({ loadingNewer: true });
    try {
      const result = await this.request("history:after", {
        room,
        after: newest.seq,
        limit: DEFAULT_PAGE_SIZE,
      });
      if (result?.ok) {
        this.receive(result.messages);
        if (!result.hasMore) {
          store.update({ hasNewer: false });
          if (missingAfter(this.timeline) !== null) void this.catchUp();
        }
      }
    } finally {
      store.update({ loadingNewer: false });
    }
  }

  /**
   * Makes sure the message with that seq is held: loads the history around
   * it when it is not, replacing the window when the two do not touch (then
   * `hasNewer` says newer messages wait to be loaded). True when it is held.
   */
  async jumpTo(seq: number): Promise<boolean> {
    const { store, room } = this.context;
    if (this.timeline.messages.some((m) => m.seq === seq)) return true;
    const result = await this.request("history:around", { room, seq, limit: DEFAULT_PAGE_SIZE });
    if (!result?.ok) return false;
    const page = result.messages;
    const first = page[0];
    const last = page.at(-1);
    if (!first || !last) return false;
    const oldest = this.timeline.messages[0];
    const newest = this.timeline.messages.at(-1);
    const touches =
      oldest !== undefined &&
      newest !== undefined &&
      first.seq <= newest.seq + 1 &&
      last.seq >= oldest.seq - 1;
    if (touches) {
      this.receive(page);
      if (!result.hasMoreBefore && this.timeline.messages[0]?.seq === first.seq)
        store.update({ timeline: noteRoomStart(this.timeline) });
    } else {
      const known = this.timeline.knownLatestSeq;
      const fresh = timelineOf(page, !result.hasMoreBefore);
      const timeline = noteLatestSeq(mergeMessages(fresh, this.parkedAmong(page)), known);
      store.update({ timeline, hasNewer: result.hasMoreAfter });
      this.context.onMessages(page);
    }
    return this.timeline.messages.some((m) => m.seq === seq);
  }
}
