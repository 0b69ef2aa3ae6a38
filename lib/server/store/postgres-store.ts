import { PostgresAudit } from "./postgres/audit";
import { PostgresBotTokens } from "./postgres/bot-tokens";
import { PostgresDatabase, type PostgresDatabaseOptions } from "./postgres/database";
import { PostgresInvites } from "./postgres/invites";
import { PostgresMembers } from "./postgres/members";
import { PostgresMessages } from "./postgres/messages";
import { PostgresNotifications } from "./postgres/notifications";
import { PostgresReads } from "./postgres/reads";
import { PostgresRooms } from "./postgres/rooms";
import { PostgresUploads } from "./postgres/uploads";
import { PostgresUsers } from "./postgres/users";
import type { StoreHealth } from "./store-health";
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

export type PostgresStoreOptions = PostgresDatabaseOptions;

/**
 * The store on Postgres, for several instances sharing one history: one
 * store per aggregate (postgres/messages.ts, rooms.ts, users.ts, reads.ts, members.ts,
 * invites.ts, audit.ts) over one
 * shared pool (postgres/database.ts).
 *
 * Each append is one transaction: the room row's `latest_seq` is bumped with
 * `INSERT … ON CONFLICT DO UPDATE`, which locks that row, so concurrent writers
 * to a room (on any instance) take turns and a rolled-back append gives its
 * seq back — sequences stay gap-free. The ack waits for COMMIT.
 *
 * Storage faults — a lost connection, a full disk (53100), a lock held past
 * LOCK_TIMEOUT_MS — reject with StoreUnavailableError, and the write results
 * feed `health`; data the server reports damaged (XX001, XX002) stops writes.
 */
export class PostgresStore implements ChatStore {
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

  private constructor(private readonly database: PostgresDatabase) {
    this.rooms = new PostgresRooms(database);
    this.messages = new PostgresMessages(database);
    this.users = new PostgresUsers(database);
    this.botTokens = new PostgresBotTokens(database);
    this.reads = new PostgresReads(database);
    this.members = new PostgresMembers(database);
    this.invites = new PostgresInvites(database);
    this.audit = new PostgresAudit(database);
    this.notifications = new PostgresNotifications(database);
    this.uploads = new PostgresUploads(database);
  }

  /** Connects and migrates the schema (instances starting together wait for each other). */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    return new PostgresStore(await PostgresDatabase.open(url, options));
  }

  get health(): StoreHealth {
    return this.database.health;
  }

  ping(): Promise<void> {
    return this.database.ping();
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
