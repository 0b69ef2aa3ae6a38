import { createHash } from "node:crypto";

export const ADJECTIVES: readonly string[] = [
  "Amber",
  "Brave",
  "Bright",
  "Calm",
  "Clever",
  "Cosmic",
  "Curious",
  "Dapper",
  "Eager",
  "Gentle",
  "Happy",
  "Jolly",
  "Kind",
  "Lucky",
  "Mellow",
  "Nimble",
  "Quiet",
  "Rapid",
  "Sunny",
  "Swift",
  "Tidy",
  "Vivid",
  "Witty",
  "Zesty",
];
export const ANIMALS: readonly string[] = [
  "Badger",
  "Beaver",
  "Crane",
  "Dolphin",
  "Falcon",
  "Fox",
  "Gecko",
  "Heron",
  "Ibex",
  "Koala",
  "Lynx",
  "Marmot",
  "Narwhal",
  "Otter",
  "Owl",
  "Panda",
  "Puffin",
  "Quokka",
  "Raven",
  "Seal",
  "Tapir",
  "Walrus",
  "Wombat",
  "Yak",
];

/**
 * A readable name for someone who has not chosen one, e.g. "Swift Otter",
 * derived from their identity: an identity has no stored row until it first
 * writes, and its name must not change with every connection until then.
 */
export function friendlyName(userId: string): string {
  const digest = createHash("sha256").update(userId).digest();
  const adjective = ADJECTIVES[digest.readUInt16BE(0) % ADJECTIVES.length];
  const animal = ANIMALS[digest.readUInt16BE(2) % ANIMALS.length];
  return `${adjective} ${animal}`;
}
