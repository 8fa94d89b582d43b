import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { type FileUpload, FileStore, type StoredFileInfo } from './file-store';

export interface S3Settings {
  /** An S3-compatible server's URL; empty for AWS itself. */
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  /** Empty: the SDK's default chain (environment, instance role…). */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Bucket in the path, not the host name: what most S3-compatible servers need. */
  readonly forcePathStyle: boolean;
}

export function s3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    ...(settings.accessKeyId
      ? {
          credentials: {
            accessKeyId: settings.accessKeyId,
            secretAccessKey: settings.secretAccessKey,
          },
        }
      : {}),
    // Checksums only where the API requires them: streamed trailing checksums are not
    // implemented by every S3-compatible server.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });
}

const isNotFound = (error: unknown): boolean =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/** Creates the bucket when it does not exist (the local platform); an existing one is kept. */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (creation) {
      // Another instance of the app created it in between.
      if ((creation as Error).name !== 'BucketAlreadyOwnedByYou') throw creation;
    }
  }
}

/** User metadata travels as HTTP headers: ASCII only. */
function headerSafe(info: StoredFileInfo): Record<string, string> {
  return Object.fromEntries(
    Object.entries(info).map(([key, value]) => [key.toLowerCase(), encodeURIComponent(value)]),
  );
}

/**
 * Files as objects of one S3 bucket, under a prefix per kind (`documents/<id>`, `batches/<id>`).
 * An upload streams: one PUT for a small file, a multipart upload past 5 MB, and an aborted one
 * leaves no part behind.
 */
export class S3FileStore extends FileStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {
    super();
  }

  private key(fileId: string): string {
    return `${this.prefix}/${fileId}`;
  }

  open(fileId: string, filename: string, info: StoredFileInfo): FileUpload {
    const body = new PassThrough();
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.key(fileId),
        Body: body,
        ContentType: info.contentType ?? 'application/octet-stream',
        Metadata: headerSafe({ ...info, filename }),
      },
      leavePartsOnError: false,
    });
    const state: { failure?: Error } = {};
    const done = upload.done().then(
      () => undefined,
      (error: Error) => {
        state.failure = error;
        throw error;
      },
    );
    done.catch(() => undefined);
    const check = (): void => {
      if (state.failure) throw state.failure;
    };
    return {
      write: async (chunk) => {
        check();
        if (!body.write(chunk)) {
          // The upload stops reading its body when it fails: wait for whichever comes first.
          const waiting = new AbortController();
          await Promise.race([
            once(body, 'drain', { signal: waiting.signal }),
            done.then(() => {
              throw new Error('the upload ended before its body');
            }),
          ]).finally(() => waiting.abort());
        }
        check();
      },
      finish: async () => {
        check();
        body.end();
        await done;
      },
      abort: async () => {
        await upload.abort().catch(() => undefined);
        body.destroy();
        await this.remove(fileId);
      },
    };
  }

  async read(fileId: string): Promise<Readable> {
    const answer = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.key(fileId) }),
    );
    return answer.Body as Readable;
  }

  async remove(fileId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(fileId) }),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async exists(fileId: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(fileId) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}
