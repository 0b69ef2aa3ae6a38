import {
  burstTag,
  type ChatMessage,
  DEFAULT_NOTIFICATION_LEVEL,
  type NotificationEvent,
  type NotificationReason,
  notificationTag,
  type PushPayload,
  type User,
} from "../../shared/protocol";
import type { Logger } from "../logger";
import type { Membership } from "../rooms/membership";
import { can, type Person } from "../rooms/permissions";
import { roomFactsOf } from "../rooms/room-facts";
import type { ChatStore, NotificationClaim, StoredMember } from "../store/types";
import { type ChatIo, userRoom } from "../transport/socket-types";
import { type PushSettings, type PushTarget, sendPush } from "./push-sender";
import { type Candidate, editedRecipients, type Recipient, recipientsOf } from "./recipients";

export type NotifierOptions = {
  /** Web Push; absent: only connected tabs hear of messages. */
  push?: PushSettings;
  /** How long after a message a push waits for its person to come back or read it. */
  pushDelayMs?: number;
  /** Tries per push that failed for a reason worth another (429, 5xx, no answer). */
  maxAttempts?: number;
  /** The first retry waits this long, each later one twice as long as the one before. */
  retryDelayMs?: number;
  /** Pushes in flight at once. */
  concurrency?: number;
};

export const DEFAULT_PUSH_DELAY_MS = 5_000;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_RETRY_DELAY_MS = 1_000;
const DEFAULT_CONCURRENCY = 64;
/** Members read per query while gathering who may hear of a message. */
const MEMBER_PAGE = 500;

/** The reasons an edit can add or take away: what the author typed, not the room. */
const MENTIONED: ReadonlySet<NotificationReason> = new Set(["mention", "room", "here"]);

/** Who a rule-check asks about: the stored standing only, as a plain person (no admin powers). */
const personOfMember = (userId: string): Person => ({
  userId,
  guest: false,
  admin: false,
  createsPublicRooms: false,
});

type Pending = { userId: string; room: string; claims: NotificationClaim[]; dueAt: number };

/**
 * Tells people of the messages their levels ask for: at once to their
 * connections (`notification`, through the adapter to every instance;
 * a hidden tab shows it), and after `pushDelayMs` by Web Push to those
 * none of whose connections is visible, if they still have not read it,
 * it still stands, and they are still to hear of it. Every notification
 * is claimed in the store first (one per person and message, across
 * instances and edits) and each claim is pushed at most once.
 */
export class Notifier {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  readonly pushDelayMs: number;

  constructor(
    private readonly io: ChatIo,
    private readonly store: ChatStore,
    private readonly membership: Membership,
    private readonly logger: Logger,
    private readonly options: NotifierOptions = {},
  ) {
    this.pushDelayMs = options.pushDelayMs ?? DEFAULT_PUSH_DELAY_MS;
  }

  /** The VAPID public key browsers subscribe with; null when push is off. */
  get vapidPublicKey(): string | null {
    return this.options.push?.vapid.publicKey ?? null;
  }

  /** A message was stored (not a duplicate): its people hear of it. Never throws. */
  messageStored(message: ChatMessage): void {
    this.track(this.onStored(message), "notifying of a message failed", message);
  }

  /** A message was edited or deleted: the newly mentioned hear of it, the unmentioned no longer. */
  messageChanged(message: ChatMessage): void {
    this.track(this.onChanged(message), "updating notifications of a message failed", message);
  }

  /** Resolves when nothing is being worked on (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.pending.clear();
    await this.idle();
  }

  private track(work: Promise<unknown>, what: string, message: ChatMessage): void {
    const tracked = work.catch((error: unknown) =>
      this.logger.warn({ err: error, room: message.room, message: message.id }, what),
    );
    this.inFlight.add(tracked);
    tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async onStored(message: ChatMessage): Promise<void> {
    const recipients = await this.recipients(message);
    const claimed = await this.store.notifications.claim(
      recipients.map((recipient) => claimOf(message, recipient)),
    );
    this.notify(message, claimed);
  }

  private async onChanged(message: ChatMessage): Promise<void> {
    if (message.deleted) {
      await this.withdraw(message, await this.store.notifications.withdraw(message.id));
      return;
    }
    const before = await this.store.notifications.claimsOf(message.id);
    const now = await this.recipients(message);
    const { added, withdrawn } = editedRecipients(new Set(before.map((c) => c.userId)), now);
    const unmentioned = new Set(
      before
        .filter((c) => MENTIONED.has(c.reason) && withdrawn.includes(c.userId))
        .map((c) => c.userId),
    );
    if (unmentioned.size > 0)
      await this.withdraw(
        message,
        await this.store.notifications.withdraw(message.id, [...unmentioned]),
      );
    const claimed = await this.store.notifications.claim(
      added.filter((r) => MENTIONED.has(r.reason)).map((r) => claimOf(message, r)),
    );
    this.notify(message, claimed);
  }

  /**
   * Everyone who may hear of the message. A plain message in a shared room
   * concerns only those who set the room to All messages and those it
   * mentions, so only they are looked up (a busy room's every message would
   * otherwise read its whole member list); a direct room, @room and @here
   * concern every member. The mentioned may read a public room unjoined.
   */
  private async recipients(message: ChatMessage): Promise<Recipient[]> {
    const room = await this.membership.cache.room(message.room);
    const levels = await this.store.notifications.roomLevels(message.room);
    const mentions = message.mentions ?? [];
    const everyone = room?.visibility === "direct" || message.mentionsAll !== undefined;
    const standings = new Map<string, StoredMember>();
    if (everyone) {
      let after: string | undefined;
      for (;;) {
        const page = await this.store.members.list(message.room, after, MEMBER_PAGE);
        for (const member of page.members) standings.set(member.userId, member);
        after = page.members.at(-1)?.userId;
        if (!page.hasMore || after === undefined) break;
      }
    }
    const named = new Set(mentions);
    if (!everyone) for (const [userId, level] of levels) if (level === "all") named.add(userId);
    for (const userId of named) {
      if (standings.has(userId) || userId === message.author.id) continue;
      const standing = await this.membership.cache.standing(message.room, userId);
      if (standing) standings.set(userId, standing);
    }
    const online =
      message.mentionsAll === "here" ? await this.onlineIn(message.room) : new Set<string>();
    const candidates: Candidate[] = [...standings.values()].map((standing) => ({
      userId: standing.userId,
      level: levels.get(standing.userId) ?? DEFAULT_NOTIFICATION_LEVEL,
      mayRead: can(personOfMember(standing.userId), "read", roomFactsOf(room, standing)).allowed,
      online: online.has(standing.userId),
    }));
    return recipientsOf(
      {
        authorId: message.author.id,
        visibility: room?.visibility ?? "public",
        deleted: message.deleted,
        mentions,
        mentionsAll: message.mentionsAll,
      },
      candidates,
    );
  }

  private async onlineIn(room: string): Promise<Set<string>> {
    const sockets = await this.io.in(room).fetchSockets();
    return new Set(sockets.map((socket) => socket.data.user.id));
  }

  /** Tells the claimed people's connections now, and queues their pushes. */
  private notify(message: ChatMessage, claimed: readonly NotificationClaim[]): void {
    if (claimed.length === 0) return;
    const byReason = new Map<NotificationReason, string[]>();
    for (const claim of claimed) {
      const rooms = byReason.get(claim.reason) ?? [];
      rooms.push(userRoom(claim.userId));
      byReason.set(claim.reason, rooms);
    }
    for (const [reason, rooms] of byReason) {
      const event: NotificationEvent = {
        room: message.room,
        seq: message.seq,
        messageId: message.id,
        reason,
        author: message.author,
        text: message.text,
        tag: notificationTag(message.id),
      };
      this.io.to(rooms).emit("notification", event);
    }
    if (this.options.push && !this.closed) for (const claim of claimed) this.queue(claim);
  }

  private async withdraw(
    message: ChatMessage,
    withdrawn: readonly (NotificationClaim & { pushed: boolean })[],
  ): Promise<void> {
    if (withdrawn.length === 0) return;
    const tag = notificationTag(message.id);
    for (const claim of withdrawn) {
      const key = pendingKey(claim.userId, claim.room);
      const entry = this.pending.get(key);
      if (entry) {
        entry.claims = entry.claims.filter((c) => c.messageId !== message.id);
        if (entry.claims.length === 0) this.pending.delete(key);
      }
    }
    this.io
      .to(withdrawn.map((claim) => userRoom(claim.userId)))
      .emit("notification:withdrawn", { room: message.room, messageId: message.id, tag });
    const pushed = withdrawn.filter((claim) => claim.pushed).map((claim) => claim.userId);
    if (pushed.length === 0 || !this.options.push) return;
    const payload: PushPayload = {
      type: "withdraw",
      room: message.room,
      messageId: message.id,
      tag,
    };
    const subscriptions = await this.store.notifications.subscriptions(pushed);
    await this.sendAll(subscriptions.map((subscription) => ({ subscription, payload })));
  }

  private queue(claim: NotificationClaim): void {
    const key = pendingKey(claim.userId, claim.room);
    const entry = this.pending.get(key);
    // A burst joins the push already waiting for this person and room.
    if (entry) entry.claims.push(claim);
    else
      this.pending.set(key, {
        userId: claim.userId,
        room: claim.room,
        claims: [claim],
        dueAt: Date.now() + this.pushDelayMs,
      });
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.pending.size === 0) return;
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.pending.values()) next = Math.min(next, entry.dueAt);
    if (next >= this.timerDueAt && this.timer) return;
    clearTimeout(this.timer);
    this.timerDueAt = next;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerDueAt = Number.POSITIVE_INFINITY;
        const due = [...this.pending.entries()].filter(([, entry]) => entry.dueAt <= Date.now());
        for (const [key] of due) this.pending.delete(key);
        const work = this.flush(due.map(([, entry]) => entry)).catch((error: unknown) =>
          this.logger.warn({ err: error }, "sending pushes failed"),
        );
        this.inFlight.add(work);
        work.finally(() => {
          this.inFlight.delete(work);
        });
        this.schedule();
      },
      Math.max(0, next - Date.now()),
    );
  }

  /**
   * The due pushes, re-checked: nobody with a visible connection anywhere
   * (one fetchSockets for all of them, answered by every instance), no
   * message deleted or already read, nobody who since left or silenced the
   * room; then each claim is marked pushed (once, whichever instance asks)
   * and each person gets one push per room, however many messages it holds.
   */
  private async flush(entries: readonly Pending[]): Promise<void> {
    if (entries.length === 0 || !this.options.push) return;
    const visible = await this.visibleUsers(entries.map((entry) => entry.userId));
    const byRoom = new Map<string, Pending[]>();
    for (const entry of entries) {
      if (visible.has(entry.userId)) continue;
      const list = byRoom.get(entry.room) ?? [];
      list.push(entry);
      byRoom.set(entry.room, list);
    }
    const sends: { subscription: PushTarget & { previews: boolean }; payload: PushPayload }[] = [];
    for (const [room, list] of byRoom) {
      const still = await this.stillStanding(room, list);
      const marked = await this.store.notifications.markPushed(
        still.flatMap(({ entry, messages }) =>
          messages.map((m) => ({ userId: entry.userId, messageId: m.id })),
        ),
      );
      const owned = new Set(marked.map((claim) => `${claim.userId}\u0000${claim.messageId}`));
      const perUser = new Map<string, ChatMessage[]>();
      for (const { entry, messages } of still) {
        const mine = messages.filter((m) => owned.has(`${entry.userId}\u0000${m.id}`));
        if (mine.length > 0) perUser.set(entry.userId, mine);
      }
      if (perUser.size === 0) continue;
      const reasons = new Map(
        list.flatMap((e) => e.claims.map((c) => [`${c.userId}\u0000${c.messageId}`, c.reason])),
      );
      for (const subscription of await this.store.notifications.subscriptions([
        ...perUser.keys(),
      ])) {
        const messages = perUser.get(subscription.userId);
        const latest = messages?.at(-1);
        if (!messages || !latest) continue;
        const reason = reasons.get(`${subscription.userId}\u0000${latest.id}`) ?? "message";
        sends.push({
          subscription,
          payload: pushPayload(latest, messages.length, reason, subscription.previews),
        });
      }
    }
    await this.sendAll(sends);
  }

  /** People (of these) with a connection whose page is visible, on any instance. */
  private async visibleUsers(userIds: readonly string[]): Promise<Set<string>> {
    const rooms = [...new Set(userIds)].map(userRoom);
    let sockets: { data: { user: { id: string }; visible?: boolean } }[];
    try {
      sockets = await this.io.in(rooms).fetchSockets();
    } catch (error) {
      // An instance did not answer in time: judge by this one's connections
      // rather than drop the pushes (a push too many beats a message missed).
      this.logger.warn({ err: error }, "visibility check across instances failed");
      sockets = [...this.io.of("/").sockets.values()].filter((socket) =>
        rooms.some((room) => socket.rooms.has(room)),
      );
    }
    return new Set(
      sockets
        .filter((socket) => socket.data.visible !== false)
        .map((socket) => socket.data.user.id),
    );
  }

  /** Of each entry's messages, those that still stand, are unread, and still concern the person. */
  private async stillStanding(
    room: string,
    entries: readonly Pending[],
  ): Promise<{ entry: Pending; messages: ChatMessage[] }[]> {
    const bySeq = new Map<number, ChatMessage | null>();
    for (const seq of new Set(entries.flatMap((e) => e.claims.map((c) => c.seq)))) {
      const page = await this.store.messages.after(room, seq - 1, 1);
      const found = page.messages[0];
      bySeq.set(seq, found && found.seq === seq && !found.deleted ? found : null);
    }
    const userIds = entries.map((entry) => entry.userId);
    const [reads, levels, info] = await Promise.all([
      this.store.notifications.readSeqs(room, userIds),
      this.store.notifications.roomLevels(room),
      this.membership.cache.room(room),
    ]);
    const out: { entry: Pending; messages: ChatMessage[] }[] = [];
    for (const entry of entries) {
      const level = levels.get(entry.userId) ?? DEFAULT_NOTIFICATION_LEVEL;
      if (level === "nothing") continue;
      const standing = await this.membership.cache.standing(room, entry.userId);
      if (!can(personOfMember(entry.userId), "read", roomFactsOf(info, standing)).allowed) continue;
      const read = reads.get(entry.userId) ?? 0;
      const messages = entry.claims.flatMap((claim) => {
        const message = bySeq.get(claim.seq);
        if (!message || message.id !== claim.messageId || message.seq <= read) return [];
        if (level === "mentions" && claim.reason === "message") return [];
        return [message];
      });
      if (messages.length > 0) out.push({ entry, messages });
    }
    return out;
  }

  /** Sends each push, a bounded number at once; forgets subscriptions their service says are gone. */
  private async sendAll(
    sends: readonly { subscription: PushTarget; payload: PushPayload }[],
  ): Promise<void> {
    const settings = this.options.push;
    if (!settings || sends.length === 0) return;
    let next = 0;
    const worker = async () => {
      while (next < sends.length) {
        const send = sends[next++];
        if (send) await this.sendWithRetries(send.subscription, send.payload, settings);
      }
    };
    const workers = Math.min(this.options.concurrency ?? DEFAULT_CONCURRENCY, sends.length);
    await Promise.all(Array.from({ length: workers }, worker));
  }

  private async sendWithRetries(
    target: PushTarget,
    payload: PushPayload,
    settings: PushSettings,
  ): Promise<void> {
    const attempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    let delay = this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const outcome = await sendPush(target, payload, settings);
      if (outcome.kind === "sent") {
        await this.store.notifications.pushSucceeded(target.endpoint, new Date());
        return;
      }
      if (outcome.kind === "gone") {
        // The browser unsubscribed, or the push service expired it: it will never work again.
        await this.store.notifications.removeSubscription(target.endpoint);
        return;
      }
      if (!outcome.retry || attempt === attempts || this.closed) {
        this.logger.warn(
          { status: outcome.status, error: outcome.error, attempts: attempt },
          "push not delivered",
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
}

function pendingKey(userId: string, room: string): string {
  return `${userId}\u0000${room}`;
}

function claimOf(message: ChatMessage, recipient: Recipient): NotificationClaim {
  return {
    userId: recipient.userId,
    messageId: message.id,
    room: message.room,
    seq: message.seq,
    reason: recipient.reason,
  };
}

/**
 * What a push carries: where to open (room, seq), which notification it is
 * (tag), how many messages it stands for — and the text and author's name
 * only when the subscription allows previews. The push service sees none of
 * it (the body is encrypted for the browser), only its size and timing.
 */
export function pushPayload(
  latest: ChatMessage,
  count: number,
  reason: NotificationReason,
  previews: boolean,
): PushPayload {
  const payload: PushPayload = {
    type: "message",
    room: latest.room,
    seq: latest.seq,
    messageId: latest.id,
    tag: count > 1 ? burstTag(latest.room) : notificationTag(latest.id),
    count,
    reason,
  };
  if (previews) {
    payload.author = (latest.author as User).name;
    payload.text = latest.text;
  }
  return payload;
}
