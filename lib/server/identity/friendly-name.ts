import { randomInt } from "node:crypto";

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

/** A readable name for someone who has not chosen one, e.g. "Swift Otter". */
export function friendlyName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${ANIMALS[randomInt(ANIMALS.length)]}`;
}
