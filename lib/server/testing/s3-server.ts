import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
// s3rver ships no types; its constructor and run/close are all we use.
// @ts-expect-error -- untyped CommonJS module
import S3rver from "s3rver";
import type { FileStorageConfig } from "../files/files-config";

/**
 * A real S3-compatible server (s3rver, on the loopback interface, a free
 * port, its own temporary directory) for tests of the S3 storage: the AWS
 * SDK talks HTTP to it exactly as it would to a bucket.
 */
export class S3TestServer {
  private constructor(
    private readonly server: { close(): Promise<void> },
    readonly directory: string,
    readonly endpoint: string,
    readonly bucket: string,
  ) {}

  static async start(bucket = "scrollback-test"): Promise<S3TestServer> {
    const directory = await mkdtemp(join(tmpdir(), "s3rver-"));
    const server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    const address = (await server.run()) as AddressInfo;
    return new S3TestServer(server, directory, `http://127.0.0.1:${address.port}`, bucket);
  }

  /** Settings for S3Storage against this server (s3rver accepts any credentials). */
  get settings(): Extract<FileStorageConfig, { kind: "s3" }> {
    return {
      kind: "s3",
      endpoint: this.endpoint,
      bucket: this.bucket,
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      forcePathStyle: true,
    };
  }

  /** Environment for a server process using this bucket. */
  get env(): Record<string, string> {
    return {
      FILE_STORAGE: "s3",
      S3_ENDPOINT: this.endpoint,
      S3_BUCKET: this.bucket,
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
    };
  }

  async stop(): Promise<void> {
    await this.server.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
