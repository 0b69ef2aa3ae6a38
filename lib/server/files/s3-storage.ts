import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { type ByteRange, checkKey, type FileStorage, type StoredKey } from "./file-storage";
import type { FileStorageConfig } from "./files-config";

type S3Settings = Extract<FileStorageConfig, { kind: "s3" }>;

/**
 * Files in an S3-compatible bucket (AWS, MinIO, R2, s3rver in tests), for
 * several instances without a shared disk. A PutObject is acknowledged only
 * once the object is stored whole, which is the durability we need. Reads
 * go through the server (ranged GetObject); a bucket URL is never handed out.
 */
export class S3Storage implements FileStorage {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      // The SDK's default since 2025 streams uploads as aws-chunked with a
      // trailing CRC checksum, which many S3-compatible stores (MinIO before
      // 2025, s3rver, older Ceph) store as part of the object. Checksums only
      // where an operation requires them keeps every store working.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.accessKeyId && settings.secretAccessKey
        ? {
            credentials: {
              accessKeyId: settings.accessKeyId,
              secretAccessKey: settings.secretAccessKey,
            },
          }
        : {}),
    });
  }

  async put(key: string, localPath: string): Promise<void> {
    checkKey(key);
    const { size } = await stat(localPath);
    // Streamed: the length is declared, so the SDK sends the file without buffering it.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: createReadStream(localPath),
        ContentLength: size,
      }),
    );
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    checkKey(key);
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      const body = answer.Body;
      if (body instanceof Readable) return body;
      if (!body) return Readable.from([]);
      return Readable.fromWeb(body.transformToWebStream() as never);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async size(key: string): Promise<number | null> {
    checkKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    checkKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async list(after: string, limit: number): Promise<StoredKey[]> {
    // Version 1 of the listing (Marker): every S3-compatible store has it,
    // and the caller pages by its own last key, so no continuation token
    // (which some stores, s3rver among them, fail to make) is needed.
    const answer = await this.client.send(
      new ListObjectsCommand({
        Bucket: this.bucket,
        MaxKeys: limit,
        ...(after ? { Marker: after } : {}),
      }),
    );
    return (answer.Contents ?? []).flatMap((object) =>
      object.Key ? [{ key: object.Key, modifiedAt: object.LastModified ?? new Date(0) }] : [],
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === "NoSuchKey" ||
      error.name === "NotFound" ||
      error.$metadata.httpStatusCode === 404)
  );
}
