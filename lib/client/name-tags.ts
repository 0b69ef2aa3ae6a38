import type { User } from "../shared/protocol";

/**
 * Names need not be unique, and some that differ look the same (`Alice` and
 * `AIice`, `rn` and `m`). When two people in a room show the same or a
 * look-alike name — the same confusable skeleton — each of them gets a tag
 * beside the name, everywhere it appears: whether they are a guest, and the
 * start of their id, as much of it as tells them apart.
 */

/**
 * The shortest id prefix a tag shows. Ids are random and the server chooses
 * them, so to show a tag someone else has, an impostor would have to mint
 * identities until one starts the same: 16^6 of them for six hex digits.
 * Should one match, the tags of that pair grow until they differ.
 */
export const MIN_TAG_ID_LENGTH = 6;

/** Guests hold no account (today everyone); `guest: false` is for account holders. */
export function isGuest(user: User): boolean {
  return user.guest !== false;
}

/** The tag text for one person, e.g. "guest #3f1c2a". */
export function tagText(user: User, idLength: number): string {
  const id = idCharacters(user.id);
  const shown = id.slice(0, Math.max(idLength, MIN_TAG_ID_LENGTH));
  return isGuest(user) ? `guest #${shown}` : `#${shown}`;
}

/** An id as a tag shows it: its letters and digits (a UUID's dashes say nothing). */
function idCharacters(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, "") || id;
}

/** The shortest length from which every id's prefix differs from every other's. */
function distinguishingLength(ids: readonly string[]): number {
  const shown = ids.map(idCharacters);
  let length = MIN_TAG_ID_LENGTH;
  const longest = Math.max(...shown.map((id) => id.length));
  while (length < longest && new Set(shown.map((id) => id.slice(0, length))).size < shown.length)
    length++;
  return length;
}

/** How names are compared: `nameSkeleton` (lib/shared/names/skeleton.ts), or `plainSkeleton` until it has loaded. */
export type Skeleton = (name: string) => string;

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
/**
 * The comparison before the confusables table has loaded (the browser fetches
 * it after the page is up): names that are the same once decomposed and
 * stripped of invisible characters.
 */
export const plainSkeleton: Skeleton = (name) => name.normalize("NFD").replace(IGNORABLE, "");

/** Skeletons are computed per distinct name; a room shows few, and a long list is forgotten whole. */
const remembered = new WeakMap<Skeleton, Map<string, string>>();
const MAX_REMEMBERED_SKELETONS = 5_000;
function skeletonOf(name: string, skeleton: Skeleton): string {
  let known = remembered.get(skeleton);
  if (!known) {
    known = new Map();
    remembered.set(skeleton, known);
  }
  let result = known.get(name);
  if (result === undefined) {
    if (known.size >= MAX_REMEMBERED_SKELETONS) known.clear();
    result = skeleton(name);
    known.set(name, result);
  }
  return result;
}

/** Tags by user id, for the people whose shown name looks like someone else's; the rest get none. */
export type NameTags = ReadonlyMap<string, string>;

/**
 * The tags for everyone a room shows (message authors, who is online, who is
 * typing, yourself). A person seen under several names — before and after a
 * rename — is one person, and is tagged if any of those names collides.
 */
export function nameTags(people: Iterable<User>, compare: Skeleton): NameTags {
  const bySkeleton = new Map<string, Map<string, User>>();
  for (const person of people) {
    const skeleton = skeletonOf(person.name, compare);
    let group = bySkeleton.get(skeleton);
    if (!group) {
      group = new Map();
      bySkeleton.set(skeleton, group);
    }
    group.set(person.id, person);
  }
  const lengths = new Map<string, { user: User; length: number }>();
  for (const group of bySkeleton.values()) {
    if (group.size < 2) continue;
    const length = distinguishingLength([...group.keys()]);
    for (const user of group.values()) {
      const known = lengths.get(user.id);
      if (!known || known.length < length) lengths.set(user.id, { user, length });
    }
  }
  return new Map([...lengths].map(([id, { user, length }]) => [id, tagText(user, length)]));
}
