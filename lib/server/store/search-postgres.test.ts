import { createTestSchema } from "../testing/postgres";
import { PostgresStore } from "./postgres-store";
import { describeSearchContract } from "./search-contract";
import type { ChatStore } from "./types";

describeSearchContract("Postgres", async () => {
  const schema = await createTestSchema();
  const stores: ChatStore[] = [];
  const open = async () => {
    const store = await PostgresStore.open(schema.url, { poolSize: 4 });
    stores.push(store);
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    async destroy() {
      for (const store of stores) await store.close();
      await schema.drop();
    },
  };
});
