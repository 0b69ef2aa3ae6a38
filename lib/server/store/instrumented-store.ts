import type {
  AuditStore,
  BotTokenStore,
  ChatStore,
  InviteStore,
  MemberStore,
  MessageStore,
  NotificationStore,
  ReadPositionStore,
  RoomStore,
  UploadStore,
  UserStore,
} from "./types";

type Observe = (operation: string, seconds: number) => void;

/**
 * The database latency metric's operation labels, kept as they were before
 * the store was split per aggregate so that dashboards and alerts keep working.
 */
const OPERATIONS = {
  messages: {
    append: "appendMessage",
    change: "changeMessage",
    importHistory: "importHistory",
    changesAfter: "changesAfter",
    reactionUsers: "reactionUsers",
    ownReactions: "ownReactions",
    latest: "latestMessages",
    before: "messagesBefore",
    after: "messagesAfter",
    mentionsOf: "mentionsOf",
    mentionSeqs: "mentionSeqs",
    search: "searchMessages",
  },
  rooms: {
    latestSeq: "latestSeq",
    latestRev: "latestRev",
    recent: "recentRooms",
    info: "roomInfo",
    create: "createRoom",
    update: "updateRoom",
    remove: "removeRoom",
    directRoom: "directRoom",
    openDirect: "openDirectRoom",
    memberRooms: "memberRooms",
  },
  users: {
    create: "createUser",
    find: "findUser",
    rename: "renameUser",
    findByName: "findUsersByName",
    credentialGeneration: "credentialGeneration",
    revokeCredentials: "revokeCredentials",
  },
  botTokens: {
    create: "createBotToken",
    list: "listBotTokens",
    findByHash: "findBotToken",
    revoke: "revokeBotToken",
    revokeAll: "revokeBotTokens",
  },
  reads: { mark: "markRead", positions: "readPositions" },
  members: {
    standing: "memberStanding",
    list: "listMembers",
    count: "countMembers",
    findByName: "findMembersByName",
    change: "changeMember",
  },
  invites: {
    create: "createInvite",
    find: "findInvite",
    use: "useInvite",
    list: "listInvites",
    revoke: "revokeInvite",
  },
  audit: { record: "recordAudit", list: "listAudit" },
  notifications: {
    levels: "notificationLevels",
    roomLevels: "roomNotificationLevels",
    setLevel: "setNotificationLevel",
    subscribe: "subscribePush",
    unsubscribe: "unsubscribePush",
    removeSubscription: "removePushSubscription",
    subscriptions: "pushSubscriptions",
    pushSucceeded: "pushSucceeded",
    claim: "claimNotifications",
    claimsOf: "notificationClaims",
    markPushed: "markNotificationsPushed",
    withdraw: "withdrawNotifications",
    readSeqs: "notificationReadSeqs",
  },
  uploads: {
    add: "addUpload",
    find: "findUpload",
    usage: "uploadUsage",
    releasable: "releasableUploads",
    forget: "forgetUploads",
    contentKeys: "uploadContentKeys",
  },
} satisfies {
  messages: Record<keyof MessageStore, string>;
  rooms: Record<keyof RoomStore, string>;
  users: Record<keyof UserStore, string>;
  botTokens: Record<keyof BotTokenStore, string>;
  reads: Record<keyof ReadPositionStore, string>;
  members: Record<keyof MemberStore, string>;
  invites: Record<keyof InviteStore, string>;
  audit: Record<keyof AuditStore, string>;
  notifications: Record<keyof NotificationStore, string>;
  uploads: Record<keyof UploadStore, string>;
};

async function time<T>(observe: Observe, operation: string, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await call();
  } finally {
    observe(operation, (performance.now() - started) / 1000);
  }
}

/** One aggregate's store with each of its methods timed under its operation label. */
function timed<T extends object>(
  inner: T,
  operations: Record<keyof T, string>,
  observe: Observe,
): T {
  const wrapped = {} as Record<PropertyKey, unknown>;
  for (const method of Object.keys(operations) as (keyof T & string)[]) {
    const call = inner[method] as (...args: unknown[]) => Promise<unknown>;
    wrapped[method] = (...args: unknown[]) =>
      time(observe, operations[method], () => call.apply(inner, args));
  }
  return wrapped as T;
}

/** The same store, timing every call (successful or not) for the database latency metric. */
export class InstrumentedStore implements ChatStore {
  readonly messages: MessageStore;
  readonly rooms: RoomStore;
  readonly users: UserStore;
  readonly botTokens: BotTokenStore;
  readonly reads: ReadPositionStore;
  readonly members: MemberStore;
  readonly invites: InviteStore;
  readonly audit: AuditStore;
  readonly notifications: NotificationStore;
  readonly uploads: UploadStore;

  constructor(
    private readonly inner: ChatStore,
    private readonly observe: Observe,
  ) {
    this.messages = timed(inner.messages, OPERATIONS.messages, observe);
    this.rooms = timed(inner.rooms, OPERATIONS.rooms, observe);
    this.users = timed(inner.users, OPERATIONS.users, observe);
    this.botTokens = timed(inner.botTokens, OPERATIONS.botTokens, observe);
    this.reads = timed(inner.reads, OPERATIONS.reads, observe);
    this.members = timed(inner.members, OPERATIONS.members, observe);
    this.invites = timed(inner.invites, OPERATIONS.invites, observe);
    this.audit = timed(inner.audit, OPERATIONS.audit, observe);
    this.notifications = timed(inner.notifications, OPERATIONS.notifications, observe);
    this.uploads = timed(inner.uploads, OPERATIONS.uploads, observe);
  }

  get health() {
    return this.inner.health;
  }

  ping(): Promise<void> {
    return time(this.observe, "ping", () => this.inner.ping());
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
