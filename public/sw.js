/*
 * Scrollback's service worker: shows a push as a notification, closes one a
 * later push withdraws (its message was deleted, or lost the mention), and
 * opens the room at the message when one is clicked. It caches nothing and
 * serves no requests: the pages stay the server's.
 *
 * A push body is the JSON of PushPayload (lib/shared/protocol/notifications.ts),
 * decrypted by the browser: the room, seq, message id and tag, and the text and
 * author's name only when the person allowed previews.
 */

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

/** Where a notification leads: the room, opened at its message. */
function targetOf(data) {
  return `/chat/${encodeURIComponent(data.room)}?at=${encodeURIComponent(String(data.seq))}`;
}

/** Words for a notification, saying no more than the payload carries. */
function wordsOf(data) {
  const direct = data.reason === "direct";
  const where = direct ? "a direct message" : `#${data.room}`;
  if (data.count > 1)
    return {
      title: direct
        ? `${data.count} new direct messages`
        : `${data.count} new messages in #${data.room}`,
      body: data.text ? `${data.author}: ${data.text}` : "",
    };
  if (data.text !== undefined) {
    const title = direct ? data.author : `${data.author} in #${data.room}`;
    return { title, body: data.text };
  }
  const title =
    data.reason === "mention"
      ? `You were mentioned in ${where}`
      : direct
        ? "New direct message"
        : `New message in ${where}`;
  return { title, body: "" };
}

async function closeTagged(tag) {
  const shown = await self.registration.getNotifications({ tag });
  for (const notification of shown) notification.close();
}

self.addEventListener("push", (event) => {
  let data;
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    data = null;
  }
  if (!data || typeof data.room !== "string") return;
  if (data.type === "withdraw") {
    event.waitUntil(closeTagged(data.tag));
    return;
  }
  const { title, body } = wordsOf(data);
  event.waitUntil(
    self.registration.showNotification(title, {
      body,
      tag: data.tag,
      icon: "/icons/icon-192.png",
      data: { url: targetOf(data), room: data.room, seq: data.seq, messageId: data.messageId },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const work = openAt(event.notification.data?.url ?? "/");
  // A trusted click keeps the worker alive until the room is open; the
  // end-to-end test dispatches its own click, which cannot be extended.
  try {
    event.waitUntil(work);
  } catch {}
});

/** Brings a tab of this site forward at `path`: the room's tab if one is open, else any, else a new one. */
async function openAt(path) {
  const url = new URL(path, self.location.origin);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const chosen =
    windows.find((client) => new URL(client.url).pathname === url.pathname) ?? windows[0];
  if (!chosen) return self.clients.openWindow(url.href);
  let opened = null;
  try {
    opened = await chosen.navigate(url.href);
  } catch {
    // A tab this worker does not control cannot be navigated: open the room beside it.
    return self.clients.openWindow(url.href);
  }
  // Focusing needs the click's user activation; without it the tab is still at the message.
  await (opened ?? chosen).focus().catch(() => {});
  return opened;
}
