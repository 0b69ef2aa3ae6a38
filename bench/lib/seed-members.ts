import { randomUUID } from "node:crypto";
import { SESSION_COOKIE } from "../../lib/server/identity/cookies";
import { createTokenSigner } from "../../lib/server/identity/tokens";
import { SqliteStore } from "../../lib/server/store/sqlite-store";
import type { RoomVisibility, User } from "../../lib/shared/protocol";
import type { Credentials } from "./wire";

/**
 * The SESSION_SECRET of servers whose identities the bench makes itself:
 * with it, the bench signs each seeded member's bot token, so that a
 * thousand members connect as themselves without a thousand sign-ups.
 */
export const BENCH_SESSION_SECRET = "bench-session-secret-long-enough-for-hmac-signing";

/**
 * Makes `room` in a new Scrollback SQLite database with `count` members
 * (the first its owner), through the store as the server would write them:
 * a private room's members added by its owner, a public room's joined by
 * themselves. Resolves with each member's credentials (their bot token),
 * in order. Preparation, not measurement.
 */
export async function seedRoomMembers(
  file: string,
  room: string,
  visibility: Exclude<RoomVisibility, "direct">,
  count: number,
): Promise<Credentials[]> {
  const people: User[] = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    name: `Member ${i + 1}`,
  }));
  const [owner] = people;
  if (!owner) throw new Error("a room needs at least its owner");
  const store = new SqliteStore(file);
  try {
    await store.rooms.create({ name: room, visibility, topic: "the bench's room", owner });
    for (const person of people.slice(1)) {
      await store.members.change(
        visibility === "private"
          ? { room, user: person, kind: "added", by: owner }
          : { room, user: person, kind: "joined", by: null },
      );
    }
    const members = await store.members.count(room);
    if (members !== count) throw new Error(`seeded ${members} members of ${room}, not ${count}`);
  } finally {
    await store.close();
  }
  const signer = createTokenSigner(BENCH_SESSION_SECRET);
  const issuedAt = Math.floor(Date.now() / 1000);
  return people.map((person) => ({ token: signer.sign("bot", person.id, 0, issuedAt) }));
}

/**
 * The guest identity cookie of a seeded member, for HTTP routes that take a
 * browser's cookie rather than a guest bot token (the upload and file
 * routes accept only an account's bot token as a bearer): the same person,
 * signed with the same secret, as a page load would have set it.
 */
export function identityCookieOf(credentials: Credentials): string {
  const signer = createTokenSigner(BENCH_SESSION_SECRET);
  const claim = credentials.token ? signer.verify(credentials.token) : null;
  if (!claim) throw new Error("not a seeded member's token");
  const value = signer.sign(
    "cookie",
    claim.userId,
    claim.generation,
    Math.floor(Date.now() / 1000),
  );
  return `${SESSION_COOKIE}=${value}`;
}
