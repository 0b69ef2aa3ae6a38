import { join } from "node:path";
import { SqliteStore } from "../../lib/server/store/sqlite-store";

const AUTHORS = [
  { id: "seed-ana", name: "Ana" },
  { id: "seed-bea", name: "Bea" },
  { id: "seed-caio", name: "Caio" },
];

/**
 * Writes `count` messages ("m1", "m2", …, in seq order) into a running app's
 * database, as history that was there before anyone opened the room. It goes
 * around the server: thousands of messages through the protocol would take
 * the rate limits' time, and these tests are about reading, not sending.
 * Connected clients do not hear of them until they next join.
 */
export async function seedHistory(dataDir: string, room: string, count: number): Promise<void> {
  const store = new SqliteStore(join(dataDir, "scrollback.db"));
  try {
    const first = (await store.rooms.latestSeq(room)) + 1;
    // Appends queued together commit together; the queue keeps their order.
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        store.messages.append({
          room,
          clientId: `seed-${first + i}`,
          author: AUTHORS[(first + i) % AUTHORS.length] as (typeof AUTHORS)[number],
          text: `m${first + i}`,
        }),
      ),
    );
  } finally {
    await store.close();
  }
}

/**
 * Appends a reply to the message with seq `toSeq`, as history written before
 * anyone opened the room (like seedHistory): a reply to a message far older
 * than what a page loads.
 */
export async function seedReply(
  dataDir: string,
  room: string,
  toSeq: number,
  text: string,
): Promise<void> {
  const store = new SqliteStore(join(dataDir, "scrollback.db"));
  try {
    const original = (await store.messages.after(room, toSeq - 1, 1)).messages[0];
    if (!original || original.seq !== toSeq) throw new Error(`no message ${toSeq} in ${room}`);
    await store.messages.append({
      room,
      clientId: `seed-reply-${toSeq}-${Date.now()}`,
      author: AUTHORS[0] as (typeof AUTHORS)[number],
      text,
      replyTo: original.id,
    });
  } finally {
    await store.close();
  }
}
