import { newClientId } from "./outbox";

/**
 * Which pages of this browser are open, by Web Locks: each page holds a lock
 * named after itself for as long as it lives, and the browser releases it when
 * the page closes or crashes. Another tab asks whether the page that holds a
 * message's files is still there, to wait for it or to tell the person the
 * files are lost, with no heartbeat to tune.
 */
const LOCK_PREFIX = "scrollback:page:";

let pageId: string | null = null;

/** This page's id, taking its lock the first time. */
export function thisPage(): string {
  if (pageId) return pageId;
  pageId = newClientId();
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  // Never resolves: the lock is held until the page goes.
  void locks?.request(`${LOCK_PREFIX}${pageId}`, () => new Promise<void>(() => {}));
  return pageId;
}

/** Whether that page is still open; false where the browser has no Web Locks (the files then show lost). */
export async function isPageOpen(page: string): Promise<boolean> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  if (!locks) return false;
  const state = await locks.query();
  return state.held?.some((lock) => lock.name === `${LOCK_PREFIX}${page}`) ?? false;
}
