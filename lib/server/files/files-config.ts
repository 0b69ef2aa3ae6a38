import { resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_MAX_UPLOAD_BYTES } from "../../shared/limits";

/**
 * Where files are kept and how much people may upload. Disk is the default
 * (one instance, or several sharing a mounted volume); S3 for several
 * instances without one. Quotas count per day, per person and per address,
 * so that a guest who makes a new identity per upload is still bounded.
 */
export type FileStorageConfig =
  | { kind: "disk"; directory: string }
  | {
      kind: "s3";
      endpoint: string | undefined;
      bucket: string;
      region: string;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
      forcePathStyle: boolean;
    };

export type UploadLimits = {
  maxUploadBytes: number;
  /** Bytes one person may upload in a rolling day. */
  quotaBytesPerDay: number;
  /** Bytes one address (or IPv6 /64) may upload in a rolling day. */
  quotaBytesPerAddressPerDay: number;
  /** Uploads one person may start per minute. */
  uploadsPerMinute: number;
};

export type FilesConfig = {
  storage: FileStorageConfig;
  /** tus partial uploads: instance-local, so a resume must reach the same instance (sticky routing). */
  partialDirectory: string;
  limits: UploadLimits;
};

const MIB = 1024 * 1024;

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
  // A team sharing screenshots and documents all day stays far below these;
  // a script filling the disk does not.
  quotaBytesPerDay: 1024 * MIB,
  quotaBytesPerAddressPerDay: 4096 * MIB,
  uploadsPerMinute: 30,
};

const positiveInt = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be more than 0`);

const onOff = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1");

export const filesEnvSchema = z.object({
  FILE_STORAGE: z
    .enum(["disk", "s3"], { error: "FILE_STORAGE must be disk or s3" })
    .default("disk"),
  S3_ENDPOINT: z
    .url({ error: "S3_ENDPOINT must be a URL, e.g. https://s3.example.com" })
    .optional(),
  S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "S3_BUCKET must be a bucket name (3-63 of a-z 0-9 . -)",
    )
    .optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: onOff.optional(),
  MAX_UPLOAD_BYTES: positiveInt("MAX_UPLOAD_BYTES").default(DEFAULT_UPLOAD_LIMITS.maxUploadBytes),
  UPLOAD_QUOTA_BYTES_PER_DAY: positiveInt("UPLOAD_QUOTA_BYTES_PER_DAY").default(
    DEFAULT_UPLOAD_LIMITS.quotaBytesPerDay,
  ),
  UPLOAD_QUOTA_BYTES_PER_ADDRESS_PER_DAY: positiveInt(
    "UPLOAD_QUOTA_BYTES_PER_ADDRESS_PER_DAY",
  ).default(DEFAULT_UPLOAD_LIMITS.quotaBytesPerAddressPerDay),
  RATE_LIMIT_UPLOADS_PER_MINUTE: positiveInt("RATE_LIMIT_UPLOADS_PER_MINUTE").default(
    DEFAULT_UPLOAD_LIMITS.uploadsPerMinute,
  ),
});

type FilesEnv = z.infer<typeof filesEnvSchema>;

/** Settings that are each valid but do not fit together. */
export function filesConfigProblems(env: FilesEnv): { setting: string; message: string }[] {
  const problems: { setting: string; message: string }[] = [];
  if (env.FILE_STORAGE === "s3" && env.S3_BUCKET === undefined)
    problems.push({ setting: "S3_BUCKET", message: "FILE_STORAGE=s3 needs S3_BUCKET" });
  if ((env.S3_ACCESS_KEY_ID === undefined) !== (env.S3_SECRET_ACCESS_KEY === undefined))
    problems.push({
      setting: env.S3_ACCESS_KEY_ID === undefined ? "S3_ACCESS_KEY_ID" : "S3_SECRET_ACCESS_KEY",
      message:
        "set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the SDK's own credential chain)",
    });
  if (env.UPLOAD_QUOTA_BYTES_PER_DAY < env.MAX_UPLOAD_BYTES)
    problems.push({
      setting: "UPLOAD_QUOTA_BYTES_PER_DAY",
      message: `must be at least MAX_UPLOAD_BYTES (${env.MAX_UPLOAD_BYTES}), or no file that large could ever be sent`,
    });
  return problems;
}

export function filesConfigFromEnv(env: FilesEnv, dataDir: string): FilesConfig {
  const storage: FileStorageConfig =
    env.FILE_STORAGE === "disk"
      ? { kind: "disk", directory: resolve(dataDir, "files") }
      : {
          kind: "s3",
          endpoint: env.S3_ENDPOINT,
          bucket: env.S3_BUCKET ?? "",
          region: env.S3_REGION,
          accessKeyId: env.S3_ACCESS_KEY_ID,
          secretAccessKey: env.S3_SECRET_ACCESS_KEY,
          // A local S3-compatible server (MinIO, s3rver) has no bucket subdomains.
          forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
        };
  return {
    storage,
    partialDirectory: resolve(dataDir, "uploads-partial"),
    limits: {
      maxUploadBytes: env.MAX_UPLOAD_BYTES,
      quotaBytesPerDay: env.UPLOAD_QUOTA_BYTES_PER_DAY,
      quotaBytesPerAddressPerDay: env.UPLOAD_QUOTA_BYTES_PER_ADDRESS_PER_DAY,
      uploadsPerMinute: env.RATE_LIMIT_UPLOADS_PER_MINUTE,
    },
  };
}
