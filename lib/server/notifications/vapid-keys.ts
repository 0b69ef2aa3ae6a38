import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import webPush from "web-push";

const KEYS_FILE = "vapid-keys.json";

export type VapidKeys = { publicKey: string; privateKey: string };

/**
 * The key pair that signs this server's pushes (RFC 8292). Browsers bind each
 * subscription to the public key they subscribed with, so it must outlive
 * restarts and be the same on every instance: without VAPID_PUBLIC_KEY and
 * VAPID_PRIVATE_KEY, one pair is generated on first start and kept beside
 * the data, like the session secret — created exclusively (flag `wx`) so two
 * processes starting together agree on it.
 */
export function loadVapidKeys(configured: Partial<VapidKeys>, dataDir: string): VapidKeys {
  if (configured.publicKey && configured.privateKey)
    return { publicKey: configured.publicKey, privateKey: configured.privateKey };
  const path = join(dataDir, KEYS_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, JSON.stringify(webPush.generateVAPIDKeys()), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  let keys: Partial<VapidKeys>;
  try {
    keys = JSON.parse(readFileSync(path, "utf8")) as Partial<VapidKeys>;
  } catch {
    keys = {};
  }
  if (typeof keys.publicKey !== "string" || typeof keys.privateKey !== "string")
    throw new Error(`${path} holds no usable VAPID keys; delete it to generate new ones`);
  return { publicKey: keys.publicKey, privateKey: keys.privateKey };
}
