import type { OutboxOperation, OutboxStorage } from "./outbox";

/**
 * The outbox of whoever the page's connection is now. One browser may be
 * several people in turn — a guest who signs in, an account that signs out —
 * and localStorage outlives each: an operation is stamped with the identity
 * that made it, and only that identity sends it (the others do not see it;
 * it waits for its author to come back). Operations from before the stamp
 * carry none and go with whoever is here, as they always did.
 */
export function outboxOfIdentity(
  storage: OutboxStorage,
  currentUserId: () => string | undefined,
): OutboxStorage {
  const visible = (operation: OutboxOperation) =>
    operation.by === undefined || operation.by === currentUserId();
  return {
    load: (room) => storage.load(room).filter(visible),
    put(operation) {
      const by = operation.by ?? currentUserId();
      storage.put(by === undefined ? operation : { ...operation, by });
    },
    remove: (room, clientId) => storage.remove(room, clientId),
    subscribe: (room, onChange) => storage.subscribe(room, onChange),
  };
}
