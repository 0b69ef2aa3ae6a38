import { z } from "zod";

/** How accounts are offered on this server: the GUEST_ACCESS, SMTP_*, OIDC_* and ADMIN_EMAILS settings. */
export type AccountsConfig = {
  /** `GUEST_ACCESS=on` (the default): people may chat without an account. */
  guestAccess: boolean;
  /** Addresses whose accounts are admins; besides them, the first account created is. */
  adminEmails: readonly string[];
  /** Where emailed links point; without it, the address the request came to. */
  publicUrl: string | undefined;
  /** Verification, reset and sign-in links by email: only with an SMTP server. */
  mail: { smtpUrl: string; from: string } | null;
  /**
   * REQUIRE_EMAIL_VERIFICATION=on (needs SMTP): an account signs in only once
   * its address is confirmed, which is what lets sign-up answer the same
   * whether or not the address already has an account.
   */
  requireEmailVerification: boolean;
  /** Single sign-on through one OpenID Connect provider. */
  sso: { issuer: string; clientId: string; clientSecret: string; name: string } | null;
  /** Sign-in attempts allowed per account and per address in each window. */
  signInLimits: { perAccount: number; perAddress: number; windowMs: number };
};

export const DEFAULT_SIGN_IN_LIMITS: AccountsConfig["signInLimits"] = {
  perAccount: 10,
  perAddress: 30,
  windowMs: 15 * 60_000,
};

const onOff = z
  .enum(["on", "off", "true", "false", "1", "0"])
  .transform((value) => value === "on" || value === "true" || value === "1");

const emailList = z.string().transform((value) =>
  value
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean),
);

/** The environment variables of accounts, merged into the server's one schema (config.ts). */
export const accountsEnvSchema = z.object({
  GUEST_ACCESS: onOff.default(true),
  ADMIN_EMAILS: emailList.default([]),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "PUBLIC_URL must be an http(s) URL" })
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  REQUIRE_EMAIL_VERIFICATION: onOff.default(false),
  OIDC_ISSUER: z
    .url({ protocol: /^https?$/, error: "OIDC_ISSUER must be an http(s) URL" })
    .optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).max(40).optional(),
  SIGN_IN_ATTEMPTS_PER_ACCOUNT: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_SIGN_IN_LIMITS.perAccount),
  SIGN_IN_ATTEMPTS_PER_ADDRESS: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_SIGN_IN_LIMITS.perAddress),
});

type AccountsEnv = z.infer<typeof accountsEnvSchema>;

/** Problems a valid-looking but incomplete set of settings has, for the config error: which setting, and why. */
export function accountsConfigProblems(
  env: Partial<AccountsEnv>,
): { setting: keyof AccountsEnv; message: string }[] {
  const problems: { setting: keyof AccountsEnv; message: string }[] = [];
  if (env.REQUIRE_EMAIL_VERIFICATION && !env.SMTP_URL)
    problems.push({
      setting: "REQUIRE_EMAIL_VERIFICATION",
      message: "confirming addresses needs SMTP_URL",
    });
  const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
  if (oidc.some(Boolean) && !oidc.every(Boolean))
    problems.push({
      setting: "OIDC_ISSUER",
      message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: single sign-on needs all three",
    });
  return problems;
}

export function accountsConfigFromEnv(env: AccountsEnv): AccountsConfig {
  const host = (url: string) => new URL(url).hostname;
  return {
    guestAccess: env.GUEST_ACCESS,
    adminEmails: env.ADMIN_EMAILS,
    publicUrl: env.PUBLIC_URL,
    mail: env.SMTP_URL
      ? {
          smtpUrl: env.SMTP_URL,
          from:
            env.MAIL_FROM ??
            `Scrollback <scrollback@${env.PUBLIC_URL ? host(env.PUBLIC_URL) : "localhost"}>`,
        }
      : null,
    requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION && Boolean(env.SMTP_URL),
    sso:
      env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET
        ? {
            issuer: env.OIDC_ISSUER.replace(/\/+$/, ""),
            clientId: env.OIDC_CLIENT_ID,
            clientSecret: env.OIDC_CLIENT_SECRET,
            name: env.OIDC_NAME ?? host(env.OIDC_ISSUER),
          }
        : null,
    signInLimits: {
      perAccount: env.SIGN_IN_ATTEMPTS_PER_ACCOUNT,
      perAddress: env.SIGN_IN_ATTEMPTS_PER_ADDRESS,
      windowMs: DEFAULT_SIGN_IN_LIMITS.windowMs,
    },
  };
}

export const DEFAULT_ACCOUNTS_CONFIG: AccountsConfig = {
  guestAccess: true,
  adminEmails: [],
  publicUrl: undefined,
  mail: null,
  requireEmailVerification: false,
  sso: null,
  signInLimits: DEFAULT_SIGN_IN_LIMITS,
};
