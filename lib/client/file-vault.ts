/**
 * The bytes of files waiting in the outbox, kept in IndexedDB (which stores
 * Blobs; localStorage cannot), keyed by the page's key for each file, so a
 * reloaded page can upload them again (tus resumes from the offset the
 * server holds, found by the file's fingerprint). Written only once a
 * message names the file, removed when the message is delivered or
 * discarded. Every operation may fail (private modes, a full disk): the
 * outbox then shows the files lost after a reload, as without a vault.
 */
export type FileVault = {
  put(key: string, file: File): Promise<void>;
  get(key: string): Promise<File | undefined>;
  remove(key: string): Promise<void>;
};

const DATABASE = "scrollback-files";
const STORE = "files";

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** IndexedDB's vault, or null where the browser has none. */
export function browserFileVault(): FileVault | null {
  if (typeof indexedDB === "undefined") return null;
  let opened: Promise<IDBDatabase> | null = null;
  const database = () => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(DATABASE, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    return opened;
  };
  const store = async (mode: IDBTransactionMode) =>
    (await database()).transaction(STORE, mode).objectStore(STORE);
  return {
    async put(key, file) {
      await request((await store("readwrite")).put(file, key));
    },
    async get(key) {
      const value: unknown = await request((await store("readonly")).get(key));
      return value instanceof File ? value : undefined;
    },
    async remove(key) {
      await request((await store("readwrite")).delete(key));
    },
  };
}
