import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { z } from "zod";
import {
  type AccountsConfig,
  accountsConfigFromEnv,
  accountsConfigProblems,
  accountsEnvSchema,
} from "./accounts/accounts-config";
import {
  type FilesConfig,
  filesConfigFromEnv,
  filesConfigProblems,
  filesEnvSchema,
} from "./files/files-config";
import {
  type NotificationsEnv,
  notificationsConfigProblems,
  notificationsEnvFrom,
  notificationsEnvSchema,
} from "./notifications/notifications-config";
import { type RoomsConfig, roomsConfigFromEnv, roomsEnvSchema } from "./rooms/rooms-config";
import { normalizeHost } from "./security/host-names";
import {
  type SecurityLimits,
  securityEnvSchema,
  securityLimitsFromEnv,
} from "./security/security-config";

/**
 * Everything the server reads from the environment, validated once at start so
 * that a typo fails fast with a clear message instead of surfacing later.
 * docs/operations.md and the README's configuration table describe each setting.
 */
const envSchema = z.object({
  // Production unless told otherwise: `npm run dev` sets development explicitly.
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z
    .string()
    .min(1)
    .default("0.0.0.0")
    .refine((host) => normalizeHost(host) !== null, {
      error: (issue) =>
        `"${String(issue.input)}" is neither an IP address (0.0.0.0 listens on every interface, 127.0.0.1 on this machine only) nor a host name`,
    })
    // Node listens on an IPv6 address written without brackets.
    .transform((host) => host.replace(/^\[(.*)\]$/, "$1")),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z.string().min(1).optional(),
  SESSION_SECRET: z
    .string()
    .min(32, "SESSION_SECRET must be at least 32 characters; leave it unset to generate one")
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://")
    .optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, "REDIS_PREFIX must be 1-64 of A-Z a-z 0-9 : _ -")
    .default("scrollback"),
  METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional(),
  TRUST_PROXY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** The security settings live beside their defaults in security-config.ts. */
const fullEnvSchema = envSchema
  .extend(securityEnvSchema.shape)
  .extend(accountsEnvSchema.shape)
  .extend(roomsEnvSchema.shape)
  .extend(notificationsEnvSchema.shape)
  .extend(filesEnvSchema.shape)
  .superRefine((env, ctx) => {
    for (const { setting, message } of filesConfigProblems(env))
      ctx.addIssue({ code: "custom", path: [setting], message });
    for (const { setting, message } of notificationsConfigProblems(env))
      ctx.addIssue({ code: "custom", path: [setting], message });
    for (const { setting, message } of accountsConfigProblems(env))
      ctx.addIssue({ code: "custom", path: [setting], message });
    if (env.MAX_BUFFERED_BYTES_TOTAL < env.MAX_BUFFERED_BYTES_PER_CONNECTION)
      ctx.addIssue({
        code: "custom",
        path: ["MAX_BUFFERED_BYTES_TOTAL"],
        message: `must be at least MAX_BUFFERED_BYTES_PER_CONNECTION (${env.MAX_BUFFERED_BYTES_PER_CONNECTION}): it is all clients' output together`,
      });
  });

export type DatabaseTarget =
  | { engine: "sqlite"; path: string }
  | { engine: "postgres"; url: string };

export type Config = {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseTarget;
  sessionSecret: string | undefined;
  /** Behind a reverse proxy that terminates TLS: believe its X-Forwarded-Proto. */
  trustProxy: boolean;
  /** Several instances: fan broadcasts out through this Redis. */
  redisUrl: string | undefined;
  /** Channel prefix in Redis: the same on every instance of a deployment. */
  redisPrefix: string;
  /** Bearer token for /metrics; without it only loopback callers may read it. */
  metricsToken: string | undefined;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  /** Rate, size and origin limits. */
  security: SecurityLimits;
  /** Guests, email, single sign-on, admins. */
  accounts: AccountsConfig;
  /** Who may make public rooms. */
  rooms: RoomsConfig;
  /** VAPID keys, the push delay, loopback endpoints for tests. */
  notifications: NotificationsEnv;
  /** File storage (disk or S3), upload size, quotas and rate. */
  files: FilesConfig;
};

export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseTarget {
  if (url === undefined) return { engine: "sqlite", path: resolve(dataDir, "scrollback.db") };
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (path.length === 0)
      throw new Error("DATABASE_URL=file: needs a path, e.g. file:./data/scrollback.db");
    return { engine: "sqlite", path: resolve(path) };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://"))
    return { engine: "postgres", url };
  throw new Error("DATABASE_URL must start with file: (SQLite) or postgres:// (Postgres)");
}

/** process.env, or any stand-in for it. */
export type Environment = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * A variable set to nothing (`PORT=` in an env file, `${PORT}` in a compose file
 * when the host has none) means "not set": left as "", PORT would coerce to 0
 * and the server would listen on a random port.
 */
function withoutBlankValues(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim()));
}

export function loadConfig(env: Environment = process.env): Config {
  const parsed = fullEnvSchema.safeParse(withoutBlankValues(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  let database: DatabaseTarget;
  try {
    database = parseDatabaseUrl(e.DATABASE_URL, dataDir);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  DATABASE_URL: ${(error as Error).message}`);
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    sessionSecret: e.SESSION_SECRET,
    trustProxy: e.TRUST_PROXY,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
    security: securityLimitsFromEnv(e, e.TRUST_PROXY),
    accounts: accountsConfigFromEnv(e),
    rooms: roomsConfigFromEnv(e),
    notifications: notificationsEnvFrom(e),
    files: filesConfigFromEnv(e, dataDir),
  };
}

/**
 * A HOST that is a name must resolve, or listening fails with a bare
 * ENOTFOUND; checked at start, before anything is opened.
 */
export async function checkListenHost(host: string): Promise<void> {
  if (isIP(host)) return;
  try {
    await lookup(host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(
      `Invalid configuration:\n  HOST: "${host}" does not resolve to an address (${code}); use an IP address of this machine, 0.0.0.0 for every interface, or a name that resolves to one`,
    );
  }
}
