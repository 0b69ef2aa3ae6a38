import webPush from "web-push";
import type { NotificationsConfig } from "./notifications-config";

/** A short delay keeps tests fast; long enough to tell "not yet" from "never". */
export const TEST_PUSH_DELAY_MS = 150;

/** Notifications as integration tests run them: fresh VAPID keys, pushes to a loopback receiver. */
export function testNotifications(extra: Partial<NotificationsConfig> = {}): NotificationsConfig {
  return {
    push: {
      vapid: webPush.generateVAPIDKeys(),
      subject: "mailto:tests@scrollback.test",
      allowLoopback: true,
    },
    pushDelayMs: TEST_PUSH_DELAY_MS,
    retryDelayMs: 20,
    allowLoopbackEndpoints: true,
    ...extra,
  };
}
