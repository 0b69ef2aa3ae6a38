/**
 * Which database errors are faults of the storage under the store — a full
 * disk, a lock another process holds, an I/O error, a lost connection,
 * damaged data — rather than of one request. A storage fault says nothing
 * about the message being written: the same send succeeds once the fault is
 * gone, so it is reported to clients as `unavailable` with a time to retry,
 * never as a final failure. Pure: engines call these on what their driver threw.
 */

export type StorageFaultKind =
  /** No space left for the database (or its log) to grow. */
  | "full"
  /** Another connection holds a lock this write needs. */
  | "busy"
  /** The operating system failed a read, write or sync, or the file cannot be opened or written. */
  | "io"
  /** The database server cannot be reached or is going away. */
  | "connection"
  /** The database server is out of a resource other than disk (memory, connections). */
  | "capacity"
  /** The data on disk is damaged: writes must stop until an operator restores it. */
  | "corrupt";

export type StorageFault = {
  kind: StorageFaultKind;
  /** The driver's own code (`SQLITE_FULL`, SQLSTATE `53100`, `ECONNRESET`), for the operator. */
  code: string;
};

/** How long a client is asked to wait before sending again, by what went wrong. */
export const RETRY_AFTER_MS: Readonly<Record<StorageFaultKind, number>> = {
  busy: 500,
  connection: 2_000,
  capacity: 2_000,
  io: 2_000,
  full: 5_000,
  corrupt: 10_000,
};

const DESCRIPTIONS: Readonly<Record<StorageFaultKind, string>> = {
  full: "disk full",
  busy: "database locked by another connection",
  io: "I/O error",
  connection: "database connection lost",
  capacity: "database out of resources",
  corrupt: "database file damaged",
};

/** A line an operator understands: "disk full (SQLITE_FULL)". */
export function describeFault(fault: StorageFault): string {
  return `${DESCRIPTIONS[fault.kind]} (${fault.code})`;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** Errors from the operating system itself (creating the data directory, say). */
const ERRNO_KINDS: Readonly<Record<string, StorageFaultKind>> = {
  ENOSPC: "full",
  EDQUOT: "full",
  EIO: "io",
  EROFS: "io",
  EACCES: "io",
  EPERM: "io",
};

/**
 * SQLite's extended result codes, as better-sqlite3 names them
 * (`SQLITE_IOERR_FSYNC`, `SQLITE_BUSY_SNAPSHOT`, …), grouped by their primary code.
 */
export function classifySqliteError(error: unknown): StorageFault | null {
  const code = codeOf(error);
  if (code === undefined) return null;
  const errno = ERRNO_KINDS[code];
  if (errno) return { kind: errno, code };
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0];
  switch (primary) {
    case "SQLITE_FULL":
      return { kind: "full", code };
    case "SQLITE_BUSY":
    case "SQLITE_LOCKED":
    // A WAL-index lock held by a connection that is recovering the log.
    case "SQLITE_PROTOCOL":
      return { kind: "busy", code };
    case "SQLITE_IOERR":
    case "SQLITE_CANTOPEN":
    case "SQLITE_READONLY":
    case "SQLITE_NOLFS":
    case "SQLITE_PERM":
      return { kind: "io", code };
    case "SQLITE_NOMEM":
      return { kind: "capacity", code };
    case "SQLITE_CORRUPT":
    case "SQLITE_NOTADB":
      return { kind: "corrupt", code };
    default:
      return null;
  }
}

/** Socket errors a Postgres client reports when the server is out of reach. */
const CONNECTION_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * Postgres SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html)
 * and the client's own errors for a connection it lost or could not get.
 */
export function classifyPostgresError(error: unknown): StorageFault | null {
  const code = codeOf(error);
  if (code !== undefined) {
    if (CONNECTION_ERRNO.has(code)) return { kind: "connection", code };
    // Class 08: connection exception.
    if (/^08/.test(code)) return { kind: "connection", code };
    // 57P01-57P05: the server is shutting down, crashed, not accepting connections yet,
    // or closed an idle session. 25006: a read-only transaction, as on a standby after a failover.
    if (/^57P0[1-5]$/.test(code) || code === "25006") return { kind: "connection", code };
    // 53100 disk_full.
    if (code === "53100") return { kind: "full", code };
    // Class 53 otherwise: out of memory, too many connections, configuration limits.
    if (/^53/.test(code)) return { kind: "capacity", code };
    // A lock or statement timeout, a deadlock or a serialization failure: try again.
    if (["55P03", "57014", "40001", "40P01"].includes(code)) return { kind: "busy", code };
    // Class 58: system error (I/O error, undefined or duplicate file).
    if (/^58/.test(code)) return { kind: "io", code };
    // XX001 data_corrupted, XX002 index_corrupted.
    if (code === "XX001" || code === "XX002") return { kind: "corrupt", code };
  }
  if (!(error instanceof Error)) return null;
  // node-postgres raises plain Errors for a dead pool connection or an exhausted connect timeout.
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(
      error.message,
    )
  )
    return { kind: "connection", code: "connection lost" };
  return null;
}
