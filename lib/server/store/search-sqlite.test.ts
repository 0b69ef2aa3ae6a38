import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeSearchContract } from "./search-contract";
import { SqliteStore } from "./sqlite-store";
import type { ChatStore } from "./types";

describeSearchContract("SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "scrollback-search-"));
  const path = join(dir, "scrollback.db");
  const stores: ChatStore[] = [];
  const open = async () => {
    const store = new SqliteStore(path);
    stores.push(store);
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    async destroy() {
      for (const store of stores) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
