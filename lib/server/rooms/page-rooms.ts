import { inviteTokenSchema, MAX_MENTION_SEQS_LISTED } from "../../shared/protocol";
import type { PageAccounts } from "../accounts/account-types";
import { presentedIdentityCookie } from "../identity/cookies";
import type { Identities } from "../identity/identities";
import type { Presence } from "../presence/presence";
import type { PageRooms } from "../services";
import type { ChatStore } from "../store/types";
import { inviteProblem, inviteTokenHash } from "./invite-tokens";
import type { Membership } from "./membership";
import { can } from "./permissions";
import { listRooms, listRoomsShared } from "./room-directory";
import { personOf, roomFactsOf } from "./room-facts";

export type PageRoomsDeps = {
  store: ChatStore;
  presence: Pick<Presence, "onlineCounts">;
  /** Null in tests without accounts: every viewer is a guest or nobody. */
  accounts: Pick<PageAccounts, "signedIn"> | null;
  identities: Pick<Identities, "checkCookie">;
  membership: Membership;
};

/** Who a page request comes from: an account, a guest's identity, or nobody (no valid cookie). */
type Viewer = { userId: string; account?: { role: "admin" | "user" } };

/**
 * What pages ask about rooms, for the person the request's cookies name —
 * the same rules (`can`, from the same cache) as the socket handlers. The
 * guest identity cookie is only checked, never issued: a page's own
 * response does that (identity-cookie.ts); a listing makes no identity.
 */
export function createPageRooms(deps: PageRoomsDeps): PageRooms {
  const { store, membership } = deps;

  /**
   * A room page asks `access` and then `list` with one request's headers:
   * the person behind them is looked up (session, cookie generation) once.
   */
  const viewers = new WeakMap<Headers, Promise<Viewer | null>>();
  function viewerOf(headers: Headers): Promise<Viewer | null> {
    let viewer = viewers.get(headers);
    if (!viewer) {
      viewer = lookUpViewer(headers);
      viewers.set(headers, viewer);
    }
    return viewer;
  }

  async function lookUpViewer(headers: Headers): Promise<Viewer | null> {
    const signedIn = deps.accounts ? await deps.accounts.signedIn(headers) : null;
    if (signedIn) return { userId: signedIn.chatUserId, account: { role: signedIn.role } };
    const presented = presentedIdentityCookie(headers.get("cookie") ?? undefined);
    if (presented.kind !== "one") return null;
    // Whether the cookie was revoked cannot be read while the database is down: nobody, then.
    const checked = await deps.identities.checkCookie(presented.value).catch(() => null);
    return checked ? { userId: checked.userId } : null;
  }

  return {
    async list(headers, options = {}) {
      const viewer = await viewerOf(headers);
      if (!viewer) return options.shared ? listRoomsShared(deps) : listRooms(deps);
      const rooms = await listRooms(
        deps,
        { userId: viewer.userId, admin: viewer.account?.role === "admin" },
        (room, viewerId) => membership.directPeer(room, viewerId),
      );
      // A banned person reads nothing of a room, its place in the list included
      // (the standings come from the cache: a listing costs no query per room once seen).
      const standings = await Promise.all(
        rooms.map((room) => membership.cache.standing(room.name, viewer.userId)),
      );
      const listed = rooms.filter((_, i) => standings[i]?.banned !== true);
      // The viewer's newest mentions per listed room (one index range each), for the `@ 1` badge.
      const mentioned = await store.messages.mentionSeqs(
        viewer.userId,
        listed.map((room) => room.name),
        MAX_MENTION_SEQS_LISTED,
      );
      return listed.map((room) => {
        const seqs = mentioned[room.name];
        return seqs ? { ...room, mentionSeqs: seqs } : room;
      });
    },

    async access(headers, room) {
      const viewer = await viewerOf(headers);
      const person = personOf(
        { user: { id: viewer?.userId ?? "", name: "" }, account: viewer?.account },
        membership.config,
      );
      const [stored, standing] = await Promise.all([
        membership.cache.room(room),
        viewer ? membership.cache.standing(room, viewer.userId) : Promise.resolve(null),
      ]);
      const decision = can(person, "read", roomFactsOf(stored, standing));
      if (!decision.allowed) return { allowed: false, reason: decision.reason };
      return {
        allowed: true,
        info: stored ? await membership.info(stored, room, person.userId) : null,
      };
    },

    async invite(token) {
      if (!inviteTokenSchema.safeParse(token).success) return null;
      const invite = await store.invites.find(inviteTokenHash(token));
      if (!invite) return null;
      return { room: invite.room, problem: inviteProblem(invite) };
    },
  };
}
