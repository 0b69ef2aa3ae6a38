import { SqliteAudit } from "./sqlite/audit";
import { SqliteBotTokens } from "./sqlite/bot-tokens";
import { SqliteDatabase, type SqliteDatabaseOptions } from "./sqlite/database";
import { SqliteInvites } from "./sqlite/invites";
import { SqliteMembers } from "./sqlite/members";
import { SqliteMessages } from "./sqlite/messages";
import { SqliteNotifications } from "./sqlite/notifications";
import { SqliteReads } from "./sqlite/reads";
import { SqliteRooms } from "./sqlite/rooms";
import { SqliteUploads } from "./sqlite/uploads";
import { SqliteUsers } from "./sqlite/users";
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

export type SqliteStoreOptions = SqliteDatabaseOptions;

/**
 * The SQLite engine: one store per aggregate (sqlite/messages.ts, rooms.ts,
 * users.ts, reads.ts, members.ts, invites.ts, audit.ts) over one shared connection and writer (sqlite/database.ts, the
 * group commit), so writes to every aggregate share each commit's fsync.
 */
export class SqliteStore implements ChatStore {
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

  /**
   * Opens the database for serving, after its integrity check (see
   * SqliteDatabase.open); a damaged file is refused with a StoreOpenError.
   */
  static async open(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    return new SqliteStore(await SqliteDatabase.open(path, options));
  }

  /** The connection and writer the aggregates share; tests read its pragmas. */
  readonly database: SqliteDatabase;

  /** Opens the file without waiting for the integrity check: for tests and tools. */
  constructor(
    path: string | SqliteDatabase,
    options: Omit<SqliteStoreOptions, "integrityCheckWaitMs"> = {},
  ) {
    this.database = typeof path === "string" ? new SqliteDatabase(path, options) : path;
    this.messages = new SqliteMessages(this.database);
    const members = new SqliteMembers(this.database);
    this.members = members;
    this.rooms = new SqliteRooms(this.database, members);
    this.users = new SqliteUsers(this.database);
    this.botTokens = new SqliteBotTokens(this.database);
    this.reads = new SqliteReads(this.database);
    this.invites = new SqliteInvites(this.database);
    this.audit = new SqliteAudit(this.database);
    this.notifications = new SqliteNotifications(this.database);
    this.uploads = new SqliteUploads(this.database);
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
