import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "./sqlite-store";
import { describeUploadsContract } from "./uploads-contract";

describeUploadsContract("SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "scrollback-uploads-"));
  const path = join(dir, "chat.db");
  const stores: SqliteStore[] = [];
  const open = () => {
    const store = new SqliteStore(path);
    stores.push(store);
    return store;
  };
  return {
    store: open(),
    reopen: async () => open(),
    async destroy() {
      for (const store of stores) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
