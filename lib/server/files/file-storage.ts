import type { Readable } from "node:stream";

/**
 * Where files' bytes live, behind one interface so that disk and S3 pass
 * the same contract. Keys are content-addressed (the SHA-256 hex of the
 * content) with an optional `.<variant>`; nothing else is ever a key, so a
 * key can never name a path outside the storage.
 */
export interface FileStorage {
  /** Stores the local file under `key`, durably, before resolving; an existing key is replaced whole. */
  put(key: string, localPath: string): Promise<void>;
  /** The bytes of `key` (inclusive range), or null when it is not stored. */
  read(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Its size in bytes, or null when it is not stored. */
  size(key: string): Promise<number | null>;
  /** Removes `key`; removing a missing key is no error (sweeps may repeat). */
  remove(key: string): Promise<void>;
  /** Stored keys after `after`, ascending, at most `limit`, with when each was written (the sweeper's check for strays). */
  list(after: string, limit: number): Promise<StoredKey[]>;
  close(): Promise<void>;
}

export type StoredKey = { key: string; modifiedAt: Date };

/** First and last byte, both included, as HTTP's Range counts them. */
export type ByteRange = { start: number; end: number };

const KEY = /^[0-9a-f]{64}(\.[a-z]{1,16})?$/;

/** Throws unless `key` is one of ours: a path or a bucket prefix in a key would be an escape. */
export function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`not a file storage key: ${JSON.stringify(key)}`);
  return key;
}

/** The key of an image variant of a content key. */
export function variantKey(contentKey: string, variant: string): string {
  return checkKey(`${contentKey}.${variant}`);
}
