import { dirname } from "node:path";
import { classifySqliteError } from "./storage-faults";

/**
 * What an operator reads when the database cannot be opened: the file, what
 * is wrong with it in words, SQLite's code, and what to do about it.
 */
export function describeSqliteOpenFailure(path: string, error: unknown): string {
  const fault = classifySqliteError(error);
  const code = (error as { code?: unknown })?.code;
  const reason = `${typeof code === "string" ? `${code}: ` : ""}${(error as Error)?.message ?? String(error)}`;
  const dir = dirname(path);
  if (code === "SQLITE_NOTADB")
    return (
      `The database ${path} is not a SQLite database (${reason}). ` +
      "If DATABASE_URL or DATA_DIR points at the wrong file, correct it; if the file was damaged, restore it from a backup."
    );
  switch (fault?.kind) {
    case "corrupt":
      return `The database ${path} is damaged (${reason}). Restore it from a backup (docs/operations.md, Backups), or move it away to start with an empty history.`;
    case "busy":
      return `The database ${path} stayed locked by another process (${reason}). Is another Scrollback, or a sqlite3 shell, holding a transaction open on it?`;
    case "full":
      return `The database ${path} cannot be written: the disk is full (${reason}). Free space in ${dir}.`;
    case "io":
      return `The database ${path} cannot be opened for writing (${reason}). Check that ${dir} exists, is on a working disk and is writable by this user.`;
    default:
      return `The database ${path} could not be opened (${reason}).`;
  }
}
