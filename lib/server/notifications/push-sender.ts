import http from "node:http";
import https from "node:https";
import webPush from "web-push";
import type { PushPayload } from "../../shared/protocol";
import { publicOnlyLookup } from "./push-endpoint";
import type { VapidKeys } from "./vapid-keys";

export type PushTarget = { endpoint: string; p256dh: string; auth: string };

export type PushSettings = {
  vapid: VapidKeys;
  /** `mailto:` or `https:` — who the push service may contact about this server's pushes. */
  subject: string;
  /** Admit loopback http endpoints (the test receiver); never in production. */
  allowLoopback: boolean;
  /** How long a push service may take to answer. */
  timeoutMs?: number;
};

/**
 * Connections to push services are kept open between pushes: a burst to a
 * thousand subscriptions at one push service reuses a few sockets instead of
 * a handshake each. The public-only lookup still vets every new connection.
 */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 64, keepAliveMsecs: 30_000 };
const httpAgent = new http.Agent(AGENT_OPTIONS);
const httpsAgent = new https.Agent(AGENT_OPTIONS);

/** A VAPID JWT may live up to a day; one is made per push service and reused for this long. */
const VAPID_TOKEN_SECONDS = 12 * 60 * 60;
const VAPID_RENEW_BEFORE_SECONDS = 60 * 60;
const vapidTokens = new Map<string, { authorization: string; expires: number }>();

/**
 * The VAPID Authorization for one push service (audience): signing an ES256
 * token for every push would cost more than encrypting it, and the token
 * names only the audience, the subject and its expiry.
 */
function vapidAuthorization(audience: string, settings: PushSettings): string {
  const now = Math.floor(Date.now() / 1000);
  const key = `${settings.vapid.publicKey}\u0000${settings.subject}\u0000${audience}`;
  const cached = vapidTokens.get(key);
  if (cached && cached.expires - VAPID_RENEW_BEFORE_SECONDS > now) return cached.authorization;
  const expires = now + VAPID_TOKEN_SECONDS;
  const headers = webPush.getVapidHeaders(
    audience,
    settings.subject,
    settings.vapid.publicKey,
    settings.vapid.privateKey,
    "aes128gcm",
    expires,
  );
  vapidTokens.set(key, { authorization: headers.Authorization, expires });
  return headers.Authorization;
}

/** A notification no one saw within a day is stale: the push service may drop it. */
const TTL_SECONDS = 24 * 60 * 60;
const DEFAULT_TIMEOUT_MS = 10_000;

/** What a push service answered: accepted, gone (404/410: forget it), or failed (maybe retry). */
export type PushOutcome =
  | { kind: "sent"; status: number }
  | { kind: "gone"; status: number }
  | { kind: "failed"; status: number | null; retry: boolean; error: string };

/**
 * Sends one push: the payload encrypted for the subscription (RFC 8291,
 * aes128gcm) by the web-push library and signed with the server's VAPID
 * key (RFC 8292); the request itself is ours, so that it connects only
 * to public addresses (see push-endpoint.ts) and, in tests, to http on
 * loopback, which web-push's own sender does not speak.
 */
export async function sendPush(
  target: PushTarget,
  payload: PushPayload,
  settings: PushSettings,
): Promise<PushOutcome> {
  const audience = new URL(target.endpoint).origin;
  const details = webPush.generateRequestDetails(
    { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
    JSON.stringify(payload),
    {
      headers: { Authorization: vapidAuthorization(audience, settings) },
      contentEncoding: "aes128gcm",
      TTL: TTL_SECONDS,
      urgency: payload.type === "withdraw" ? "low" : "high",
    },
  );
  const url = new URL(details.endpoint);
  const plain = url.protocol === "http:";
  const transport = plain ? http : https;
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: details.method,
          headers: details.headers as http.OutgoingHttpHeaders,
          lookup: publicOnlyLookup(settings.allowLoopback) as never,
          agent: plain ? httpAgent : httpsAgent,
          timeout: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        },
        (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode ?? 0));
          response.on("error", reject);
        },
      );
      request.on("timeout", () => request.destroy(new Error("push service timed out")));
      request.on("error", reject);
      request.end(details.body ?? undefined);
    });
    if (status >= 200 && status < 300) return { kind: "sent", status };
    if (status === 404 || status === 410) return { kind: "gone", status };
    // 429 and 5xx are the push service's trouble, worth another try; other 4xx are ours.
    return {
      kind: "failed",
      status,
      retry: status === 429 || status >= 500,
      error: `push service answered ${status}`,
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      kind: "failed",
      status: null,
      retry: code !== "ENOTPUBLIC",
      error: (error as Error).message,
    };
  }
}
