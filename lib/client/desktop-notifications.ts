import type { NotificationEvent, PushSubscribeRequest } from "../shared/protocol";

/**
 * The browser's side of notifications, apart from React: what a shown
 * notification says, where it leads, and the steps of turning them on
 * (permission, the service worker, the push subscription) — each one only
 * ever started from the person's own click.
 */

/** Where a notification leads: the room, opened at the message. */
export function notificationTarget(room: string, seq: number): string {
  return `/chat/${encodeURIComponent(room)}?at=${seq}`;
}

/** The words of an open tab's notification (its tab may read the room, so the text is known). */
export function notificationWords(
  notification: NotificationEvent,
  previews: boolean,
): { title: string; body: string } {
  const direct = notification.reason === "direct";
  const who = notification.author.name;
  if (!previews)
    return {
      title:
        notification.reason === "mention"
          ? `You were mentioned in #${notification.room}`
          : direct
            ? "New direct message"
            : `New message in #${notification.room}`,
      body: "",
    };
  return {
    title: direct ? who : `${who} in #${notification.room}`,
    body: notification.text,
  };
}

const PREVIEWS_KEY = "scrollback.notification-previews";

/** Whether this browser shows message text in notifications (off unless the person turned it on). */
export function previewsAllowed(): boolean {
  try {
    return localStorage.getItem(PREVIEWS_KEY) === "true";
  } catch {
    return false;
  }
}

export function setPreviewsAllowed(allowed: boolean): void {
  try {
    localStorage.setItem(PREVIEWS_KEY, String(allowed));
  } catch {
    // Private windows may refuse storage: the setting lasts until the page closes.
  }
}

export type NotificationSupport = "unsupported" | NotificationPermission;

export function notificationSupport(): NotificationSupport {
  if (typeof window === "undefined" || !("Notification" in window)) return "unsupported";
  return Notification.permission;
}

/** The worker already registered (the person enabled notifications before); never registers one. */
export async function existingRegistration(): Promise<ServiceWorkerRegistration | null> {
  if (!("serviceWorker" in navigator)) return null;
  return (await navigator.serviceWorker.getRegistration("/")) ?? null;
}

/** Registers the worker (from a click, or when permission was granted before) and waits until it is active. */
export async function registerWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!("serviceWorker" in navigator)) return null;
  await navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" });
  return navigator.serviceWorker.ready;
}

function base64urlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const padded = value
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .padEnd(Math.ceil(value.length / 4) * 4, "=");
  const binary = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Subscribes this browser to pushes signed with the server's key, and
 * answers what `push:subscribe` needs; null when the browser has no push
 * (or its push service cannot be reached — then only open tabs notify).
 */
export async function subscribeToPush(
  registration: ServiceWorkerRegistration,
  vapidPublicKey: string,
  previews: boolean,
): Promise<PushSubscribeRequest | null> {
  if (!("pushManager" in registration)) return null;
  let subscription = await registration.pushManager.getSubscription();
  if (!subscription)
    subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: base64urlToBytes(vapidPublicKey),
    });
  const json = subscription.toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) return null;
  return {
    endpoint: json.endpoint,
    keys: { p256dh: json.keys.p256dh, auth: json.keys.auth },
    previews,
  };
}

/** Shows an open tab's notification: through the worker when there is one (so it lists it), else directly. */
export async function showDesktopNotification(
  notification: NotificationEvent,
  previews: boolean,
  open: (url: string) => void,
): Promise<void> {
  const { title, body } = notificationWords(notification, previews);
  const url = notificationTarget(notification.room, notification.seq);
  const registration = await existingRegistration();
  if (registration?.active) {
    await registration.showNotification(title, {
      body,
      tag: notification.tag,
      icon: "/icons/icon-192.png",
      data: {
        url,
        room: notification.room,
        seq: notification.seq,
        messageId: notification.messageId,
      },
    });
    return;
  }
  const shown = new Notification(title, {
    body,
    tag: notification.tag,
    icon: "/icons/icon-192.png",
  });
  shown.onclick = () => {
    window.focus();
    open(url);
    shown.close();
  };
}

/** Closes the notification of a withdrawn message, wherever it was shown from. */
export async function closeDesktopNotification(tag: string): Promise<void> {
  const registration = await existingRegistration();
  for (const shown of (await registration?.getNotifications({ tag })) ?? []) shown.close();
}
