import { randomUUID } from "node:crypto";
import { getCurrentAdapter } from "@better-auth/core/context";
import { passkey } from "@better-auth/passkey";
import { APIError, betterAuth } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { admin, magicLink } from "better-auth/plugins";
import type Database from "better-sqlite3";
import type pg from "pg";
import { displayNameSchema } from "../../shared/protocol";
import type { Logger } from "../logger";
import type { KeyedRateLimiter } from "../security/rate-limiter";
import type { AccountsConfig } from "./accounts-config";
import { AUTH_COOKIE_PREFIX, AUTH_MODEL_NAMES } from "./auth-schema";
import type { Mailer } from "./mailer";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem } from "./password-rules";
import { createSsoPlugin } from "./sso-provider";

/** The header our HTTP mount sets to the client's address (clientAddress, proxy-aware); a client's own is dropped. */
export const CLIENT_ADDRESS_HEADER = "x-scrollback-client-address";

/** The provider id of the configured OpenID Connect provider, in callback URLs and the auth client. */
export const SSO_PROVIDER_ID = "sso";

export type AuthDeps = {
  database: Database.Database | pg.Pool;
  secret: string;
  config: AccountsConfig;
  trustProxy: boolean;
  /** Origins besides the server's own that may post to /api/auth (ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
  mailer: Mailer | null;
  logger: Logger;
  signInLimits: { perAccount: KeyedRateLimiter; perAddress: KeyedRateLimiter };
  /** The chat identity the request's guest cookie proves, if any: a guest who signs up keeps it. */
  guestOf(cookieHeader: string | null): Promise<string | null>;
  /** An account was created for this chat identity (new, or a guest's): give it the account's name. */
  accountCreated(account: { chatUserId: string; name: string }): Promise<void>;
  /** A session began for the chat identity the request's guest cookie proves: that cookie must stop speaking as it. */
  guestSignedIn(chatUserId: string): Promise<void>;
  /** The account's display name changed through the account API. */
  accountRenamed(account: { chatUserId: string; name: string }): Promise<void>;
  /** A session ended (signed out, revoked, expired, the account disabled): its sockets go. */
  sessionEnded(session: { id: string; userId: string }): void;
  /** The account was disabled: every connection of it goes, bots included. */
  accountDisabled(accountId: string): void;
  /** The account's address was confirmed: what is cached about its sessions is out of date. */
  accountVerified(accountId: string): void;
};

/**
 * Counted by the sign-in limits, per address and per account: sign-in
 * attempts, and every request that mails an address — each is a mail that
 * anyone could otherwise have us send to someone, again and again.
 */
const SIGN_IN_PATHS = new Set([
  "/sign-in/email",
  "/sign-in/magic-link",
  "/request-password-reset",
  "/send-verification-email",
]);

/** Routes that only make sense with an SMTP server (SMTP_URL); without one they answer EMAIL_NOT_SET_UP. */
const MAIL_PATHS = new Set([
  "/sign-in/magic-link",
  "/magic-link/verify",
  "/request-password-reset",
  "/send-verification-email",
]);

/** Routes that go through a social provider, named in the body's `provider`. */
const SSO_PATHS = new Set(["/sign-in/social", "/link-social"]);

const emailNotSetUp = () =>
  new APIError("NOT_FOUND", {
    message: "Email is not set up on this server.",
    code: "EMAIL_NOT_SET_UP",
  });

/**
 * The better-auth instance: email and password (its scrypt hashing), passkeys,
 * links by email when there is an SMTP server, one OpenID Connect provider
 * when configured, and the admin plugin's roles and bans. Our rules sit in
 * its hooks: password choice, sign-in limits, the guest upgrade, the first
 * admin, and ending sockets with their session.
 */
export function createAuth(deps: AuthDeps) {
  const { config, mailer } = deps;
  const sso = config.sso ? createSsoPlugin(SSO_PROVIDER_ID, config.sso, deps.logger) : null;
  /**
   * `hasAccount`: looked up here rather than before, for a request that
   * anyone may make about any address (a sign-in link).
   */
  const sendLink = (
    to: string,
    subject: string,
    intro: string,
    url: string,
    hasAccount: () => Promise<boolean> = async () => true,
  ) => {
    if (!mailer) throw emailNotSetUp();
    // Not awaited in the request: the answer must not say, by its timing,
    // whether the address has an account (only existing ones get mail).
    hasAccount()
      .then((send) =>
        send
          ? mailer.send({
              to,
              subject,
              intro,
              url,
              footer: "If you did not ask for this, ignore this email; nothing changes.",
            })
          : undefined,
      )
      .catch((error: unknown) => deps.logger.error({ err: error }, "sending mail failed"));
  };

  const auth = betterAuth({
    appName: "Scrollback",
    database: deps.database,
    secret: deps.secret,
    baseURL: config.publicUrl ?? {
      // Our HTTP handler has already refused hosts this server does not serve (421).
      allowedHosts: ["*"],
      protocol: "auto",
      fallback: "http://localhost",
    },
    basePath: "/api/auth",
    trustedOrigins: (request) => {
      const own = request ? new URL(request.url).origin : undefined;
      return [...(own ? [own] : []), ...deps.allowedOrigins];
    },
    telemetry: { enabled: false },
    // Our limiter (below) counts per account and per address, behind a proxy too.
    rateLimit: { enabled: false },
    advanced: {
      cookiePrefix: AUTH_COOKIE_PREFIX,
      // One cookie name on HTTP and HTTPS; our mount adds `Secure` behind TLS.
      useSecureCookies: false,
      trustedProxyHeaders: deps.trustProxy,
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
      database: { generateId: () => randomUUID() },
    },
    user: {
      modelName: AUTH_MODEL_NAMES.user,
      additionalFields: {
        chatUserId: { type: "string", required: false, input: false },
      },
    },
    session: {
      modelName: AUTH_MODEL_NAMES.session,
      expiresIn: 60 * 60 * 24 * 30,
      // A session in use is renewed (and its updatedAt, the Account page's
      // "last seen", moved) at most every 15 minutes: one write per session
      // per quarter hour, on the lookups the session cache lets through.
      updateAge: 15 * 60,
    },
    account: {
      modelName: AUTH_MODEL_NAMES.account,
      // Link a sign-in through the provider to the account of the same
      // address only when the provider says it verified that address.
      accountLinking: { enabled: true, allowDifferentEmails: false },
    },
    verification: { modelName: AUTH_MODEL_NAMES.verification },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      revokeSessionsOnPasswordReset: true,
      // Sign-up then answers alike for a new address and a taken one (a
      // taken one gets no mail): nothing tells an attacker which it was.
      requireEmailVerification: Boolean(mailer) && config.requireEmailVerification,
      ...(mailer
        ? {
            sendResetPassword: async ({ user, url }) =>
              sendLink(
                user.email,
                "Reset your Scrollback password",
                "Someone (we hope you) asked to reset the password of this account. Choose a new one here:",
                url,
              ),
          }
        : {}),
    },
    ...(mailer
      ? {
          emailVerification: {
            sendOnSignUp: true,
            autoSignInAfterVerification: true,
            // The browser that signed up usually opens the link: its session
            // must show the address confirmed now, not when the cache expires.
            afterEmailVerification: async (user) => deps.accountVerified(user.id),
            sendVerificationEmail: async ({ user, url }) =>
              sendLink(
                user.email,
                "Confirm your address for Scrollback",
                "Confirm that this address is yours:",
                url,
              ),
          },
        }
      : {}),
    databaseHooks: {
      user: {
        create: {
          before: async (user, context): Promise<{ data: typeof user }> => {
            const guest = await deps.guestOf(context?.headers?.get("cookie") ?? null);
            // Inside sign-up's transaction: its adapter, or the query would
            // wait for the connection the transaction holds.
            const adapter = await getCurrentAdapter((await auth.$context).adapter);
            const taken = guest
              ? await adapter.findOne({
                  model: "user",
                  where: [{ field: "chatUserId", value: guest }],
                })
              : null;
            const chatUserId = guest && !taken ? guest : randomUUID();
            const accounts: number = await adapter.count({ model: "user" });
            const email = user.email.toLowerCase();
            const role = accounts === 0 || config.adminEmails.includes(email) ? "admin" : "user";
            return { data: { ...user, chatUserId, role } };
          },
          after: async (user) => {
            await deps.accountCreated({ chatUserId: String(user.chatUserId), name: user.name });
          },
        },
        update: {
          after: async (user) => {
            if (user.banned) deps.accountDisabled(user.id);
            if (typeof user.chatUserId === "string" && user.name)
              await deps.accountRenamed({ chatUserId: user.chatUserId, name: user.name });
          },
        },
      },
      session: {
        create: {
          // A guest who signed up (or confirmed the address they signed up
          // with) is now signed in as that identity: its guest cookie stops
          // speaking as it, so that signing out leaves nothing writing under
          // the account's name. Not at sign-up itself: where the address must
          // be confirmed first, the guest chats on meanwhile.
          after: async (session, context) => {
            const guest = await deps.guestOf(context?.headers?.get("cookie") ?? null);
            if (!guest) return;
            const { adapter } = await auth.$context;
            const owner = await adapter.findOne<{ chatUserId?: string | null }>({
              model: "user",
              where: [{ field: "id", value: session.userId }],
            });
            if (owner?.chatUserId === guest) await deps.guestSignedIn(guest);
          },
        },
        delete: {
          after: async (session) => deps.sessionEnded({ id: session.id, userId: session.userId }),
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (!mailer && MAIL_PATHS.has(ctx.path)) throw emailNotSetUp();
        const body = (ctx.body ?? {}) as Record<string, unknown>;
        const viaProvider =
          ctx.path === "/callback/:id" ? ctx.params?.id : SSO_PATHS.has(ctx.path) && body.provider;
        if (sso && config.sso && viaProvider === SSO_PROVIDER_ID && !(await sso.ready()))
          throw new APIError("SERVICE_UNAVAILABLE", {
            message: `${config.sso.name} is not answering; try again in a minute.`,
            code: "SSO_UNAVAILABLE",
          });
        if (ctx.path === "/sign-up/email" || ctx.path === "/update-user") {
          if (typeof body.name === "string") {
            const name = displayNameSchema.safeParse(body.name);
            if (!name.success)
              throw new APIError("BAD_REQUEST", {
                message: name.error.issues[0]?.message ?? "That display name cannot be used.",
                code: "INVALID_NAME",
              });
          }
        }
        const chosen =
          ctx.path === "/sign-up/email"
            ? body.password
            : ctx.path === "/reset-password" || ctx.path === "/change-password"
              ? body.newPassword
              : undefined;
        if (typeof chosen === "string") {
          const problem = passwordProblem(chosen, {
            email: typeof body.email === "string" ? body.email : undefined,
            name: typeof body.name === "string" ? body.name : undefined,
          });
          if (problem)
            throw new APIError("BAD_REQUEST", { message: problem, code: "PASSWORD_REFUSED" });
        }
        if (SIGN_IN_PATHS.has(ctx.path)) {
          const address = ctx.headers?.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
          const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
          const [byAddress, byAccount] = await Promise.all([
            deps.signInLimits.perAddress.consume(address),
            email ? deps.signInLimits.perAccount.consume(email) : { allowed: true as const },
          ]);
          const refused = [byAddress, byAccount].find((decision) => !decision.allowed);
          if (refused && !refused.allowed) {
            const seconds = Math.ceil(refused.retryAfterMs / 1000);
            throw new APIError(
              "TOO_MANY_REQUESTS",
              {
                message: `Too many sign-in attempts; try again in ${seconds} seconds.`,
                code: "RATE_LIMITED",
              },
              { "retry-after": String(seconds) },
            );
          }
        }
      }),
    },
    plugins: [
      admin({ defaultRole: "user", adminRoles: ["admin"] }),
      passkey({
        rpName: "Scrollback",
        schema: { passkey: { modelName: AUTH_MODEL_NAMES.passkey } },
      }),
      // Registered without SMTP too, so that its routes answer EMAIL_NOT_SET_UP (above), not a bare 404.
      magicLink({
        expiresIn: 15 * 60,
        // Nobody signs up by mail; and only addresses with an account get a
        // link, or anyone could have us mail anyone.
        disableSignUp: true,
        sendMagicLink: async ({ email, url }, ctx): Promise<void> =>
          sendLink(
            email,
            "Your Scrollback sign-in link",
            "Follow this link within 15 minutes to sign in:",
            url,
            async () => {
              // Always given by the route; without it (a server-side call) we cannot look.
              if (!ctx) return false;
              return (await ctx.context.internalAdapter.findUserByEmail(email)) !== null;
            },
          ),
      }),
      ...(sso ? [sso.plugin] : []),
    ],
  });
  return auth;
}

export type Auth = ReturnType<typeof createAuth>;
