import { Inject, Injectable } from '@nestjs/common';
import { MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, mongo } from 'mongoose';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

/** Waits for `drain` or an error, leaving no listener behind (one per chunk would pile up). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      stream.off('drain', onDrain);
      reject(error);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

export interface StoredFileInfo {
  readonly [key: string]: string;
}

/** A file being written: chunks in, then `finish` or `abort` (which removes what was written). */
export interface FileUpload {
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * The files of supporting documents in MongoDB GridFS (bucket `documents`), one file per
 * document, its id the document's id: a retried write finds its own leftovers by that id.
 */
@Injectable()
export class FileStore {
  private readonly bucket: mongo.GridFSBucket;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    // mongoose's own driver: no second copy of `mongodb` to keep in step.
    this.bucket = new mongo.GridFSBucket(connection.db!, { bucketName: this.bucketName() });
  }

  protected bucketName(): string {
    return 'documents';
  }

  open(fileId: string, filename: string, info: StoredFileInfo): FileUpload {
    const stream: mongo.GridFSBucketWriteStream = this.bucket.openUploadStreamWithId(
      fileId as never,
      filename,
      { metadata: info },
    );
    const state: { failure?: Error } = {};
    stream.on('error', (error) => {
      state.failure = error;
    });
    const check = (): void => {
      if (state.failure) throw state.failure;
    };
    return {
      write: async (chunk) => {
        check();
        if (!stream.write(chunk)) await drained(stream);
        check();
      },
      finish: async () => {
        check();
        const done = once(stream, 'finish');
        stream.end();
        await done;
      },
      abort: async () => {
        await stream.abort().catch(() => undefined);
        await this.remove(fileId);
      },
    };
  }

  read(fileId: string): Readable {
    return this.bucket.openDownloadStream(fileId as never);
  }

  /** Removes a file and its chunks; a file already gone is not an error. */
  async remove(fileId: string): Promise<void> {
    try {
      await this.bucket.delete(fileId as never);
    } catch (error) {
      if (!/FileNotFound|File not found/i.test((error as Error).message)) throw error;
    }
  }

  async exists(fileId: string): Promise<boolean> {
    return (await this.bucket.find({ _id: fileId as never }, { limit: 1 }).toArray()).length > 0;
  }

  /** A whole file in memory: for the batch splitter, bounded by the upload limit. */
  async readAll(fileId: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.read(fileId)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}

/** The scanned batches as uploaded, in their own bucket (`batches`). */
@Injectable()
export class BatchFileStore extends FileStore {
  protected override bucketName(): string {
    return 'batches';
  }
}
