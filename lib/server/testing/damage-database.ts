import { closeSync, openSync, writeSync } from "node:fs";
import Database from "better-sqlite3";

/**
 * Overwrites some of the pages that hold a table's rows (the leaves of its
 * b-tree, found through SQLite's dbstat table) with garbage, as a failing disk
 * or a stray write would — in the middle of the file, leaving its header and
 * schema intact. The database must be checkpointed (no -wal file) and closed.
 * Returns the page numbers damaged.
 */
export function damageTablePages(path: string, table: string, share = 0.5): number[] {
  const db = new Database(path, { readonly: true });
  let pages: number[];
  let pageSize: number;
  try {
    pageSize = db.pragma("page_size", { simple: true }) as number;
    pages = db
      .prepare<[string], { pageno: number }>(
        "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
      )
      .all(table)
      .map((row) => row.pageno);
  } finally {
    db.close();
  }
  if (pages.length < 3) throw new Error(`table ${table} has too few pages to damage its middle`);
  // The middle of the table, never its first or last leaf.
  const count = Math.max(1, Math.floor((pages.length - 2) * share));
  const from = 1 + Math.floor((pages.length - 2 - count) / 2);
  const damaged = pages.slice(from, from + count);
  const fd = openSync(path, "r+");
  try {
    const garbage = Buffer.alloc(pageSize, 0xa5);
    for (const page of damaged) writeSync(fd, garbage, 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
  return damaged;
}
