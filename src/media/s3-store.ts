import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { contentPath, type MediaStore } from './store.js';

export interface S3StoreSettings {
  /** For S3-compatible services (MinIO, R2, …); omit for AWS. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** MinIO and most self-hosted stores need bucket-in-path URLs. */
  forcePathStyle: boolean;
  /** Key prefix inside the bucket, e.g. `pinion/`. */
  prefix: string;
}

/** Objects in an S3-compatible bucket under `<prefix>ab/cd/<sha256>`. */
export class S3MediaStore implements MediaStore {
  private readonly s3: S3Client;

  constructor(private readonly settings: S3StoreSettings) {
    this.s3 = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // The SDK's default checksums stream bodies as aws-chunked with trailers, which many
      // S3-compatible stores reject; plain PUTs work everywhere.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Without keys the SDK's default chain applies (environment, instance role).
      ...(settings.accessKeyId && settings.secretAccessKey
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
        : {}),
    });
  }

  private key(sha256: string) {
    return `${this.settings.prefix}${contentPath(sha256)}`;
  }

  async put(sha256: string, bytes: Buffer, contentType: string): Promise<void> {
    if (await this.exists(sha256)) return;
    await this.s3.send(new PutObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256), Body: bytes, ContentType: contentType }));
  }

  async putFile(sha256: string, path: string, contentType: string): Promise<void> {
    try {
      if (await this.exists(sha256)) return;
      // A known length lets one PUT stream the file (S3 allows 5 GB per PUT, above the 2 GB video cap).
      const { size } = await stat(path);
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.settings.bucket,
          Key: this.key(sha256),
          Body: createReadStream(path),
          ContentLength: size,
          ContentType: contentType,
        }),
      );
    } finally {
      await rm(path, { force: true });
    }
  }

  async get(sha256: string): Promise<Buffer> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256) }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  async stream(sha256: string): Promise<Readable> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256) }));
    return out.Body as Readable;
  }

  async exists(sha256: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256) }));
      return true;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (err as Error).name === 'NotFound') return false;
      throw err;
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256) }));
  }
}
