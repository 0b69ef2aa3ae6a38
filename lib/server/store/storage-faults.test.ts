import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import {
  classifyPostgresError,
  classifySqliteError,
  describeFault,
  type StorageFaultKind,
} from "./storage-faults";

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe("classifySqliteError", () => {
  it.each<[string, StorageFaultKind | null]>([
    ["SQLITE_FULL", "full"],
    ["SQLITE_BUSY", "busy"],
    ["SQLITE_BUSY_SNAPSHOT", "busy"],
    ["SQLITE_BUSY_RECOVERY", "busy"],
    ["SQLITE_LOCKED", "busy"],
    ["SQLITE_LOCKED_SHAREDCACHE", "busy"],
    ["SQLITE_PROTOCOL", "busy"],
    ["SQLITE_IOERR", "io"],
    ["SQLITE_IOERR_WRITE", "io"],
    ["SQLITE_IOERR_FSYNC", "io"],
    ["SQLITE_IOERR_SHORT_READ", "io"],
    ["SQLITE_CANTOPEN", "io"],
    ["SQLITE_READONLY", "io"],
    ["SQLITE_READONLY_DBMOVED", "io"],
    ["SQLITE_NOMEM", "capacity"],
    ["SQLITE_CORRUPT", "corrupt"],
    ["SQLITE_CORRUPT_INDEX", "corrupt"],
    ["SQLITE_NOTADB", "corrupt"],
    ["ENOSPC", "full"],
    ["EIO", "io"],
    // The request's own fault, not the storage's: answered as it always was.
    ["SQLITE_CONSTRAINT_PRIMARYKEY", null],
    ["SQLITE_ERROR", null],
    ["SQLITE_MISUSE", null],
    ["SQLITE_RANGE", null],
  ])("%s is %s", (code, kind) => {
    expect(classifySqliteError(withCode(code))?.kind ?? null).toBe(kind);
  });

  it("keeps the driver's code for the operator", () => {
    expect(classifySqliteError(withCode("SQLITE_IOERR_FSYNC"))).toEqual({
      kind: "io",
      code: "SQLITE_IOERR_FSYNC",
    });
  });

  it("knows nothing of errors without a code", () => {
    expect(classifySqliteError(new Error("boom"))).toBeNull();
    expect(classifySqliteError("SQLITE_FULL")).toBeNull();
    expect(classifySqliteError(undefined)).toBeNull();
  });

  it("classifies what better-sqlite3 really throws when another connection holds the write lock", () => {
    const dir = mkdtempSync(join(tmpdir(), "scrollback-faults-"));
    const path = join(dir, "db");
    const holder = new Database(path);
    const writer = new Database(path, { timeout: 0 });
    try {
      holder.exec("CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)");
      let thrown: unknown;
      try {
        writer.exec("BEGIN IMMEDIATE");
      } catch (error) {
        thrown = error;
      }
      expect(classifySqliteError(thrown)).toEqual({ kind: "busy", code: "SQLITE_BUSY" });
    } finally {
      writer.close();
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("classifyPostgresError", () => {
  it.each<[string, StorageFaultKind | null]>([
    ["ECONNREFUSED", "connection"],
    ["ECONNRESET", "connection"],
    ["ETIMEDOUT", "connection"],
    ["08006", "connection"],
    ["08003", "connection"],
    ["57P01", "connection"],
    ["57P03", "connection"],
    ["25006", "connection"],
    ["53100", "full"],
    ["53200", "capacity"],
    ["53300", "capacity"],
    ["55P03", "busy"],
    ["57014", "busy"],
    ["40001", "busy"],
    ["40P01", "busy"],
    ["58030", "io"],
    ["XX001", "corrupt"],
    ["XX002", "corrupt"],
    // The request's own fault.
    ["23505", null],
    ["22001", null],
    ["42P01", null],
    ["XX000", null],
  ])("SQLSTATE or errno %s is %s", (code, kind) => {
    expect(classifyPostgresError(withCode(code))?.kind ?? null).toBe(kind);
  });

  it.each([
    "Connection terminated unexpectedly",
    "timeout exceeded when trying to connect",
    "Client has encountered a connection error and is not queryable",
  ])("node-postgres's %j is a lost connection", (message) => {
    expect(classifyPostgresError(new Error(message))?.kind).toBe("connection");
  });
});

describe("describeFault", () => {
  it("says what happened in words, with the code", () => {
    expect(describeFault({ kind: "full", code: "SQLITE_FULL" })).toBe("disk full (SQLITE_FULL)");
    expect(describeFault({ kind: "busy", code: "55P03" })).toBe(
      "database locked by another connection (55P03)",
    );
  });
});
