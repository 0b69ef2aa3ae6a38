import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequest, setResponse } from "better-call/node";
import type { DatabaseTarget } from "../config";
import { presentedIdentityCookie, readCookies } from "../identity/cookies";
import type { Identities } from "../identity/identities";
import { isHttps } from "../identity/identity-cookie";
import type { Logger } from "../logger";
import { sendJson } from "../ops/ops-endpoints";
import { clientAddress } from "../security/client-address";
import { isOriginAllowed, originHeader, requestHost } from "../security/origin-policy";
import { createWindowLimiter } from "../security/rate-limiter";
import type { ChatStore } from "../store/types";
import { accountRoom, type ChatIo, sessionRoom } from "../transport/socket-types";
import type { AccountFeatures, PageAccounts, SignedIn } from "./account-types";
import type { AccountsConfig } from "./accounts-config";
import { type Auth, CLIENT_ADDRESS_HEADER, createAuth, SSO_PROVIDER_ID } from "./auth";
import { openAuthDatabase } from "./auth-database";
import { AUTH_COOKIE_PREFIX } from "./auth-schema";
import { createSmtpMailer } from "./mailer";
import { SessionCache } from "./session-cache";
import { type SweepLookup, startSessionSweep } from "./session-sweep";

/** The session cookie's name (HttpOnly, SameSite=Lax; Secure behind TLS). */
export const ACCOUNT_SESSION_COOKIE = `${AUTH_COOKIE_PREFIX}.session_token`;

/** Everything under it is better-auth's (sign-up, sign-in, sessions, passkeys, admin). */
export const AUTH_BASE_PATH = "/api/auth";

/** A sign-in request is small; anything larger is refused before it is read. */
const AUTH_BODY_LIMIT_BYTES = 64 * 1024;

/** See SessionCache: how long a pushed revocation could be missed, at worst. */
export const SESSION_CACHE_TTL_MS = 60_000;

export type AccountsSetup = {
  /** The chat's database, already migrated by the store (the auth tables are migration 6). */
  database: DatabaseTarget;
  config: AccountsConfig;
  secret: string;
  /** How often each instance re-checks its signed-in connections (session-sweep.ts); tests shorten it. */
  sweepIntervalMs?: number;
};

/** The sweep's period: the longest an ended session no notice reached keeps its open sockets. */
export const SESSION_SWEEP_INTERVAL_MS = 30_000;

/** The sweep's two questions, through better-auth's adapter (either engine). */
function sweepLookup(auth: Auth): SweepLookup {
  const ids = async (model: "session" | "user", wanted: readonly string[], banned: boolean) => {
    const { adapter } = await auth.$context;
    const rows = await adapter.findMany<{
      id: string;
      banned?: boolean | null;
      expiresAt?: Date | string | null;
    }>({
      model,
      where: [{ field: "id", operator: "in", value: [...wanted] }],
      limit: wanted.length,
    });
    const now = Date.now();
    const live = (row: (typeof rows)[number]) =>
      (!banned || row.banned !== true) &&
      (row.expiresAt == null || new Date(row.expiresAt).getTime() > now);
    return new Set(rows.filter(live).map((row) => row.id));
  };
  return {
    liveSessions: (wanted) => ids("session", wanted, false),
    enabledAccounts: (wanted) => ids("user", wanted, true),
  };
}

export type Accounts = PageAccounts & {
  auth: Auth;
  config: AccountsConfig;
  /** Answers a request under /api/auth. */
  serve(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Who a Cookie header signs in: the one check that pages and socket handshakes share. */
  signedInFromCookie(cookieHeader: string | undefined): Promise<SignedIn | null>;
  /** Where ended sessions and disabled accounts are acted on: this deployment's sockets. */
  attach(io: ChatIo): void;
  close(): Promise<void>;
};

type AccountsDeps = {
  store: ChatStore;
  identities: Identities;
  logger: Logger;
  trustProxy: boolean;
  allowedOrigins: readonly string[];
};

export function createAccounts(setup: AccountsSetup, deps: AccountsDeps): Accounts {
  const { config } = setup;
  const { store, identities, logger } = deps;
  const database = openAuthDatabase(setup.database);
  const cache = new SessionCache<SignedIn>({
    ttlMs: SESSION_CACHE_TTL_MS,
    negativeTtlMs: 2_000,
    maxEntries: 50_000,
  });
  let io: ChatIo | null = null;
  let stopSweep = () => {};
  const lookups = new Map<string, Promise<SignedIn | null>>();
  /** Counts sessions and accounts ended, here or elsewhere (see signedInFromCookie). */
  let drops = 0;
  const dropSession = (sessionId: string) => {
    drops += 1;
    cache.dropSession(sessionId);
  };
  const dropAccount = (accountId: string) => {
    drops += 1;
    cache.dropAccount(accountId);
  };

  /** On this instance: forget it; everywhere: drop its sockets, and tell the others to forget it too. */
  const endSession = (sessionId: string) => {
    dropSession(sessionId);
    if (!io) return;
    io.in(sessionRoom(sessionId)).disconnectSockets(true);
    io.serverSideEmit("accounts:session-ended", sessionId);
  };
  const endAccount = (accountId: string) => {
    dropAccount(accountId);
    if (!io) return;
    io.in(accountRoom(accountId)).disconnectSockets(true);
    io.serverSideEmit("accounts:account-disabled", accountId);
  };

  const limits = config.signInLimits;
  const auth = createAuth({
    database: database.handle,
    secret: setup.secret,
    config,
    trustProxy: deps.trustProxy,
    allowedOrigins: deps.allowedOrigins,
    mailer: config.mail ? createSmtpMailer(config.mail.smtpUrl, config.mail.from) : null,
    logger,
    signInLimits: {
      perAccount: createWindowLimiter(
        { points: limits.perAccount, windowMs: limits.windowMs },
        "sign-in-account",
      ),
      perAddress: createWindowLimiter(
        { points: limits.perAddress, windowMs: limits.windowMs },
        "sign-in-address",
      ),
    },
    async guestOf(cookieHeader) {
      const presented = presentedIdentityCookie(cookieHeader ?? undefined);
      if (presented.kind !== "one") return null;
      return (await identities.checkCookie(presented.value))?.userId ?? null;
    },
    async accountCreated({ chatUserId, name }) {
      await store.users.rename(chatUserId, name);
    },
    // The guest cookie no longer speaks as this identity: signing out must
    // not leave the browser writing under the account's name.
    guestSignedIn: async (chatUserId) => {
      await identities.revoke(chatUserId);
    },
    async accountRenamed({ chatUserId, name }) {
      const current = await store.users.find(chatUserId);
      if (current && current.name !== name) await store.users.rename(chatUserId, name);
    },
    sessionEnded: ({ id }) => endSession(id),
    accountDisabled: endAccount,
    accountVerified: dropAccount,
  });

  async function lookUp(token: string): Promise<{ signedIn: SignedIn | null; expiresAt?: number }> {
    const found = await auth.api.getSession({
      headers: new Headers({ cookie: `${ACCOUNT_SESSION_COOKIE}=${encodeURIComponent(token)}` }),
    });
    if (!found) return { signedIn: null };
    const { session, user } = found;
    const chatUserId = (user as { chatUserId?: unknown }).chatUserId;
    const banned = (user as { banned?: unknown }).banned;
    if (typeof chatUserId !== "string" || banned === true) return { signedIn: null };
    const chatUser = await store.users.find(chatUserId);
    const role = (user as { role?: unknown }).role === "admin" ? "admin" : "user";
    return {
      signedIn: {
        accountId: user.id,
        sessionId: session.id,
        email: user.email,
        emailVerified: user.emailVerified,
        name: chatUser?.name ?? user.name,
        role,
        chatUserId,
      },
      expiresAt: new Date(session.expiresAt).getTime(),
    };
  }

  async function signedInFromCookie(cookieHeader: string | undefined): Promise<SignedIn | null> {
    // Two session cookies of one name: one was planted by another page of
    // this host (cookie tossing, docs/security.md); neither is believed.
    const tokens = readCookies(cookieHeader, ACCOUNT_SESSION_COOKIE);
    const [token] = tokens;
    if (tokens.length !== 1 || !token) return null;
    const cached = cache.get(token);
    if (cached !== undefined) return cached;
    // One person's tabs reconnect together: one lookup serves them all.
    let pending = lookups.get(token);
    if (!pending) {
      const dropsBefore = drops;
      pending = lookUp(token).then(({ signedIn, expiresAt }) => {
        // A session ended while this lookup was under way may be the one it
        // found: answer it this once, but do not remember it.
        if (drops === dropsBefore) cache.set(token, signedIn, expiresAt);
        return signedIn;
      });
      lookups.set(token, pending);
      const forget = () => lookups.delete(token);
      pending.then(forget, forget);
    }
    return pending;
  }

  const features: AccountFeatures = {
    guestAccess: config.guestAccess,
    email: config.mail !== null,
    sso: config.sso ? { name: config.sso.name, providerId: SSO_PROVIDER_ID } : null,
  };

  return {
    auth,
    config,
    features,
    signedIn: (headers) => signedInFromCookie(headers.get("cookie") ?? undefined),
    async sessions(accountId) {
      const { internalAdapter } = await auth.$context;
      const now = Date.now();
      return (await internalAdapter.listSessions(accountId))
        .filter((session) => new Date(session.expiresAt).getTime() > now)
        .map((session) => ({
          id: session.id,
          token: session.token,
          userAgent: session.userAgent ?? null,
          lastSeenAt: new Date(session.updatedAt).toISOString(),
        }));
    },
    signedInFromCookie,
    async serve(request, response) {
      response.setHeader("cache-control", "no-store");
      const host = requestHost(request, deps.trustProxy);
      // CSRF: a state-changing request from another site's page is refused
      // here, by the same origin policy as the socket handshake, before
      // better-auth's own origin check.
      if (
        request.method !== "GET" &&
        request.method !== "HEAD" &&
        !isOriginAllowed(originHeader(request), host, deps.allowedOrigins)
      ) {
        sendJson(response, 403, {
          code: "FORBIDDEN_ORIGIN",
          message: "This request came from a page of another site.",
        });
        return;
      }
      request.headers[CLIENT_ADDRESS_HEADER] = clientAddress(request, deps.trustProxy);
      const secure = isHttps(request, deps.trustProxy);
      let webRequest: Request;
      try {
        webRequest = getRequest({
          base: `${secure ? "https" : "http"}://${host ?? "localhost"}`,
          request,
          bodySizeLimit: AUTH_BODY_LIMIT_BYTES,
        });
      } catch {
        sendJson(response, 413, { code: "TOO_LARGE", message: "That request is too large." });
        return;
      }
      const answer = await auth.handler(webRequest);
      await setResponse(response, secure ? withSecureCookies(answer) : answer);
    },
    attach(attached) {
      io = attached;
      attached.on("accounts:session-ended", dropSession);
      attached.on("accounts:account-disabled", dropAccount);
      stopSweep = startSessionSweep(attached, sweepLookup(auth), {
        intervalMs: setup.sweepIntervalMs ?? SESSION_SWEEP_INTERVAL_MS,
        onEnded: (kind, id) => (kind === "session" ? dropSession(id) : dropAccount(id)),
      });
    },
    async close() {
      stopSweep();
      await database.close();
    },
  };
}

/** Behind TLS every cookie better-auth sets is `Secure` too (it names them the same on HTTP and HTTPS). */
function withSecureCookies(response: Response): Response {
  const cookies = response.headers.getSetCookie();
  if (cookies.length === 0) return response;
  const headers = new Headers(response.headers);
  headers.delete("set-cookie");
  for (const cookie of cookies)
    headers.append("set-cookie", /;\s*secure\b/i.test(cookie) ? cookie : `${cookie}; Secure`);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
