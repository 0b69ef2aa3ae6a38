import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNTS_CONFIG } from "./accounts/accounts-config";
import { ConfigError, checkListenHost, loadConfig, parseDatabaseUrl } from "./config";
import { DEFAULT_UPLOAD_LIMITS } from "./files/files-config";

const SECRET = "s".repeat(32);

describe("loadConfig", () => {
  it("runs with nothing configured: production, port 3000 on every interface, SQLite in ./data", () => {
    expect(loadConfig({})).toEqual({
      env: "production",
      port: 3000,
      host: "0.0.0.0",
      dataDir: resolve("data"),
      database: { engine: "sqlite", path: resolve("data", "scrollback.db") },
      sessionSecret: undefined,
      trustProxy: false,
      redisUrl: undefined,
      redisPrefix: "scrollback",
      metricsToken: undefined,
      logLevel: "info",
      security: expect.any(Object),
      accounts: DEFAULT_ACCOUNTS_CONFIG,
      rooms: { publicRoomCreation: "anyone" },
      notifications: {
        vapidPublicKey: undefined,
        vapidPrivateKey: undefined,
        vapidSubject: undefined,
        pushDelayMs: 5_000,
        allowLoopbackEndpoints: false,
      },
      files: {
        storage: { kind: "disk", directory: resolve("data", "files") },
        partialDirectory: resolve("data", "uploads-partial"),
        limits: DEFAULT_UPLOAD_LIMITS,
      },
    });
  });

  it("reads every setting it is given", () => {
    expect(
      loadConfig({
        NODE_ENV: "development",
        PORT: "8080",
        HOST: "127.0.0.1",
        DATA_DIR: "/srv/scrollback",
        DATABASE_URL: "postgres://chat@db.internal:5432/chat",
        SESSION_SECRET: SECRET,
        TRUST_PROXY: "true",
        REDIS_URL: "redis://cache.internal:6379",
        REDIS_PREFIX: "chat-eu",
        METRICS_TOKEN: "a-long-enough-metrics-token",
        LOG_LEVEL: "debug",
        GUEST_ACCESS: "off",
        ADMIN_EMAILS: "Ops@Example.com, root@example.com",
        PUBLIC_URL: "https://chat.example.com",
        SMTP_URL: "smtp://mail.internal:587",
        MAIL_FROM: "Chat <chat@example.com>",
        REQUIRE_EMAIL_VERIFICATION: "on",
        OIDC_ISSUER: "https://id.example.com/",
        OIDC_CLIENT_ID: "scrollback",
        OIDC_CLIENT_SECRET: "sso-secret",
        OIDC_NAME: "Example ID",
        SIGN_IN_ATTEMPTS_PER_ACCOUNT: "5",
        SIGN_IN_ATTEMPTS_PER_ADDRESS: "50",
        PUBLIC_ROOM_CREATION: "members",
        VAPID_PUBLIC_KEY: "BPublicKey_-base64url",
        VAPID_PRIVATE_KEY: "privateKey_-base64url",
        VAPID_SUBJECT: "mailto:ops@example.com",
        PUSH_DELAY_MS: "2000",
        PUSH_ALLOW_LOOPBACK: "true",
        FILE_STORAGE: "s3",
        S3_ENDPOINT: "https://objects.internal:9000",
        S3_BUCKET: "chat-files",
        S3_REGION: "eu-west-1",
        S3_ACCESS_KEY_ID: "key-id",
        S3_SECRET_ACCESS_KEY: "key-secret",
        S3_FORCE_PATH_STYLE: "false",
        MAX_UPLOAD_BYTES: "1048576",
        UPLOAD_QUOTA_BYTES_PER_DAY: "10485760",
        UPLOAD_QUOTA_BYTES_PER_ADDRESS_PER_DAY: "20971520",
        RATE_LIMIT_UPLOADS_PER_MINUTE: "5",
      }),
    ).toEqual({
      env: "development",
      port: 8080,
      host: "127.0.0.1",
      dataDir: "/srv/scrollback",
      database: { engine: "postgres", url: "postgres://chat@db.internal:5432/chat" },
      sessionSecret: SECRET,
      trustProxy: true,
      redisUrl: "redis://cache.internal:6379",
      redisPrefix: "chat-eu",
      metricsToken: "a-long-enough-metrics-token",
      logLevel: "debug",
      security: expect.any(Object),
      accounts: {
        guestAccess: false,
        adminEmails: ["ops@example.com", "root@example.com"],
        publicUrl: "https://chat.example.com",
        mail: { smtpUrl: "smtp://mail.internal:587", from: "Chat <chat@example.com>" },
        requireEmailVerification: true,
        sso: {
          issuer: "https://id.example.com",
          clientId: "scrollback",
          clientSecret: "sso-secret",
          name: "Example ID",
        },
        signInLimits: { perAccount: 5, perAddress: 50, windowMs: 15 * 60_000 },
      },
      rooms: { publicRoomCreation: "members" },
      notifications: {
        vapidPublicKey: "BPublicKey_-base64url",
        vapidPrivateKey: "privateKey_-base64url",
        vapidSubject: "mailto:ops@example.com",
        pushDelayMs: 2_000,
        allowLoopbackEndpoints: true,
      },
      files: {
        storage: {
          kind: "s3",
          endpoint: "https://objects.internal:9000",
          bucket: "chat-files",
          region: "eu-west-1",
          accessKeyId: "key-id",
          secretAccessKey: "key-secret",
          forcePathStyle: false,
        },
        partialDirectory: "/srv/scrollback/uploads-partial",
        limits: {
          maxUploadBytes: 1_048_576,
          quotaBytesPerDay: 10_485_760,
          quotaBytesPerAddressPerDay: 20_971_520,
          uploadsPerMinute: 5,
        },
      },
    });
  });

  it.each(["anyone", "members", "admins"] as const)("reads PUBLIC_ROOM_CREATION=%s", (value) => {
    expect(loadConfig({ PUBLIC_ROOM_CREATION: value }).rooms).toEqual({
      publicRoomCreation: value,
    });
  });

  it("says what PUBLIC_ROOM_CREATION may be", () => {
    expect(() => loadConfig({ PUBLIC_ROOM_CREATION: "everyone" })).toThrow(
      /PUBLIC_ROOM_CREATION: PUBLIC_ROOM_CREATION must be anyone, members or admins/,
    );
  });

  it.each([
    [{ FILE_STORAGE: "ftp" }, /FILE_STORAGE: FILE_STORAGE must be disk or s3/],
    [{ FILE_STORAGE: "s3" }, /S3_BUCKET: FILE_STORAGE=s3 needs S3_BUCKET/],
    [{ FILE_STORAGE: "s3", S3_BUCKET: "Bad_Bucket" }, /S3_BUCKET: S3_BUCKET must be a bucket name/],
    [{ S3_ENDPOINT: "not a url" }, /S3_ENDPOINT: S3_ENDPOINT must be a URL/],
    [{ S3_ACCESS_KEY_ID: "id" }, /S3_SECRET_ACCESS_KEY: set both/],
    [{ MAX_UPLOAD_BYTES: "25MB" }, /MAX_UPLOAD_BYTES: MAX_UPLOAD_BYTES must be a whole number/],
    [{ MAX_UPLOAD_BYTES: "0" }, /MAX_UPLOAD_BYTES: MAX_UPLOAD_BYTES must be more than 0/],
    [
      { MAX_UPLOAD_BYTES: "2000", UPLOAD_QUOTA_BYTES_PER_DAY: "1000" },
      /UPLOAD_QUOTA_BYTES_PER_DAY: must be at least MAX_UPLOAD_BYTES/,
    ],
    [{ RATE_LIMIT_UPLOADS_PER_MINUTE: "-3" }, /RATE_LIMIT_UPLOADS_PER_MINUTE: .*more than 0/],
  ])("refuses file settings %o", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("uses path-style S3 addresses for a custom endpoint unless told otherwise", () => {
    const storage = loadConfig({
      FILE_STORAGE: "s3",
      S3_BUCKET: "files",
      S3_ENDPOINT: "http://127.0.0.1:9000",
    }).files.storage;
    expect(storage).toMatchObject({ kind: "s3", forcePathStyle: true, region: "us-east-1" });
    expect(loadConfig({ FILE_STORAGE: "s3", S3_BUCKET: "files" }).files.storage).toMatchObject({
      forcePathStyle: false,
      endpoint: undefined,
    });
  });

  it("puts the default database in DATA_DIR", () => {
    expect(loadConfig({ DATA_DIR: "/var/lib/chat" }).database).toEqual({
      engine: "sqlite",
      path: "/var/lib/chat/scrollback.db",
    });
  });

  it("accepts port 0, which asks the system for a free port", () => {
    expect(loadConfig({ PORT: "0" }).port).toBe(0);
  });

  it.each([
    ["true", true],
    ["1", true],
    ["false", false],
    ["0", false],
  ])("reads TRUST_PROXY=%s as %s", (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it("treats a variable set to nothing as unset, as env files and compose files leave them", () => {
    const blank = { PORT: "", HOST: " ", DATA_DIR: "", DATABASE_URL: "", SESSION_SECRET: "" };
    expect(loadConfig(blank)).toEqual(loadConfig({}));
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["NODE_ENV", "staging"],
    ["TRUST_PROXY", "yes"],
    ["LOG_LEVEL", "verbose"],
    ["SESSION_SECRET", "too-short"],
    ["DATABASE_URL", "mysql://localhost/chat"],
    ["DATABASE_URL", "./data/scrollback.db"],
    ["DATABASE_URL", "file:"],
    ["HOST", "999.1.1.1"],
    ["HOST", "not a host"],
    ["HOST", "http://localhost"],
    ["HOST", "localhost:3000"],
    ["GUEST_ACCESS", "maybe"],
    ["SMTP_URL", "mail.internal:25"],
    ["PUBLIC_URL", "chat.example.com"],
    ["OIDC_ISSUER", "ftp://id.example.com"],
    ["OIDC_ISSUER", "https://id.example.com"],
    ["SIGN_IN_ATTEMPTS_PER_ACCOUNT", "0"],
    ["REQUIRE_EMAIL_VERIFICATION", "on"],
  ])("rejects %s=%s with a message that names it", (name, value) => {
    const load = () => loadConfig({ [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`^Invalid configuration:\\n {2}${name}: `));
  });

  it("reports every bad setting at once", () => {
    try {
      loadConfig({ PORT: "abc", LOG_LEVEL: "loud" });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT: /);
      expect((error as Error).message).toMatch(/LOG_LEVEL: /);
    }
  });

  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::", "::"],
    ["[::1]", "::1"],
    ["localhost", "localhost"],
    ["chat.internal", "chat.internal"],
  ])("listens on HOST=%s as %s", (value, host) => {
    expect(loadConfig({ HOST: value }).host).toBe(host);
  });

  it("says what HOST may be", () => {
    expect(() => loadConfig({ HOST: "999.1.1.1" })).toThrow(
      /"999\.1\.1\.1" is neither an IP address .* nor a host name/,
    );
  });

  it("says what is wrong with a HOST name that does not resolve, before anything is opened", async () => {
    await expect(checkListenHost("no-such-host.invalid")).rejects.toThrow(ConfigError);
    await expect(checkListenHost("no-such-host.invalid")).rejects.toThrow(
      /HOST: "no-such-host\.invalid" does not resolve to an address \(ENOTFOUND\)/,
    );
    await expect(checkListenHost("localhost")).resolves.toBeUndefined();
    await expect(checkListenHost("10.9.8.7")).resolves.toBeUndefined();
  });

  it("says how to fix a short SESSION_SECRET", () => {
    expect(() => loadConfig({ SESSION_SECRET: "short" })).toThrow(/at least 32 characters/);
  });
});

describe("parseDatabaseUrl", () => {
  const dataDir = "/srv/data";

  it.each([
    ["nothing", undefined, { engine: "sqlite", path: "/srv/data/scrollback.db" }],
    ["a relative file", "file:./db/chat.db", { engine: "sqlite", path: resolve("db/chat.db") }],
    ["a bare relative file", "file:chat.db", { engine: "sqlite", path: resolve("chat.db") }],
    ["an absolute file", "file:/var/chat.db", { engine: "sqlite", path: "/var/chat.db" }],
    [
      "a file URL with three slashes",
      "file:///var/chat.db",
      { engine: "sqlite", path: "/var/chat.db" },
    ],
    [
      "postgres://",
      "postgres://user:pw@localhost:5432/chat",
      { engine: "postgres", url: "postgres://user:pw@localhost:5432/chat" },
    ],
    [
      "postgresql://",
      "postgresql://localhost/chat?sslmode=require",
      { engine: "postgres", url: "postgresql://localhost/chat?sslmode=require" },
    ],
  ])("reads %s", (_case, url, expected) => {
    expect(parseDatabaseUrl(url, dataDir)).toEqual(expected);
  });

  it.each([
    ["file:", /needs a path/],
    ["sqlite:chat.db", /must start with file: \(SQLite\) or postgres:\/\//],
    ["mysql://localhost/chat", /must start with file:/],
    ["/var/chat.db", /must start with file:/],
  ])("rejects %s", (url, message) => {
    expect(() => parseDatabaseUrl(url, dataDir)).toThrow(message);
  });
});
