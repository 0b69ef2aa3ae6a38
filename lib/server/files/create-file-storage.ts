import { DiskStorage } from "./disk-storage";
import type { FileStorage } from "./file-storage";
import type { FileStorageConfig } from "./files-config";
import { S3Storage } from "./s3-storage";

export function createFileStorage(config: FileStorageConfig): FileStorage {
  return config.kind === "disk" ? new DiskStorage(config.directory) : new S3Storage(config);
}
