import { PostgresStore } from "../store/postgres-store";
import type { ChatStore } from "../store/types";
import { createTestSchema } from "./postgres";

/**
 * A contract suite's Postgres: a store on a schema of its own, `reopen` for
 * another store on the same schema, and `destroy` closing them all and
 * dropping the schema. Every Postgres contract run opens its store this way.
 */
export async function postgresStoreFixture(): Promise<{
  store: ChatStore;
  reopen: () => Promise<ChatStore>;
  destroy: () => Promise<void>;
}> {
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
}
