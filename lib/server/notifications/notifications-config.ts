import { z } from "zod";
import type { NotifierOptions } from "./notifier";
import { DEFAULT_PUSH_DELAY_MS } from "./notifier";
import { loadVapidKeys } from "./vapid-keys";

/** What the chat server is told about notifications (see notifier.ts). */
export type NotificationsConfig = NotifierOptions & {
  /** Admit http push endpoints on loopback (the test receiver); tests and development only. */
  allowLoopbackEndpoints?: boolean;
};

/** The environment's notification settings, as config.ts reads them. */
export type NotificationsEnv = {
  vapidPublicKey: string | undefined;
  vapidPrivateKey: string | undefined;
  vapidSubject: string | undefined;
  pushDelayMs: number;
  allowLoopbackEndpoints: boolean;
};

const base64url = (name: string) =>
  z.string().regex(/^[A-Za-z0-9_-]+=*$/, `${name} must be base64url (as web-push generates it)`);

export const notificationsEnvSchema = z.object({
  VAPID_PUBLIC_KEY: base64url("VAPID_PUBLIC_KEY").optional(),
  VAPID_PRIVATE_KEY: base64url("VAPID_PRIVATE_KEY").optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, "VAPID_SUBJECT must be a mailto: or https:// address")
    .optional(),
  PUSH_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(DEFAULT_PUSH_DELAY_MS),
  PUSH_ALLOW_LOOPBACK: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
});

type Env = z.infer<typeof notificationsEnvSchema>;

/** Problems no single variable shows: a key pair needs both halves. */
export function notificationsConfigProblems(env: Env): { setting: string; message: string }[] {
  if (Boolean(env.VAPID_PUBLIC_KEY) !== Boolean(env.VAPID_PRIVATE_KEY))
    return [
      {
        setting: env.VAPID_PUBLIC_KEY ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY",
        message: "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together, or neither",
      },
    ];
  return [];
}

export function notificationsEnvFrom(env: Env): NotificationsEnv {
  return {
    vapidPublicKey: env.VAPID_PUBLIC_KEY,
    vapidPrivateKey: env.VAPID_PRIVATE_KEY,
    vapidSubject: env.VAPID_SUBJECT,
    pushDelayMs: env.PUSH_DELAY_MS,
    allowLoopbackEndpoints: env.PUSH_ALLOW_LOOPBACK,
  };
}

/**
 * The running server's notifications: VAPID keys from the environment or
 * DATA_DIR; the subject is VAPID_SUBJECT, else the PUBLIC_URL (an https
 * address push services can reach the operator through), else a mailto:
 * at the server's host — push services want one, and some refuse pushes
 * whose subject names no real contact.
 */
export function notificationsConfig(
  env: NotificationsEnv,
  dataDir: string,
  publicUrl: string | undefined,
): NotificationsConfig {
  const vapid = loadVapidKeys(
    { publicKey: env.vapidPublicKey, privateKey: env.vapidPrivateKey },
    dataDir,
  );
  const subject =
    env.vapidSubject ??
    (publicUrl?.startsWith("https://") ? publicUrl : "mailto:webmaster@localhost");
  return {
    push: { vapid, subject, allowLoopback: env.allowLoopbackEndpoints },
    pushDelayMs: env.pushDelayMs,
    allowLoopbackEndpoints: env.allowLoopbackEndpoints,
  };
}
