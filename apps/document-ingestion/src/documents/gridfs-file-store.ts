import type { Connection } from 'mongoose';
import { mongo } from 'mongoose';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { type FileUpload, FileStore, type StoredFileInfo } from './file-store';

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

/** Files in a MongoDB GridFS bucket (`documents`, `batches`), the file's `_id` its id. */
export class GridFsFileStore extends FileStore {
  private readonly bucket: mongo.GridFSBucket;

  constructor(connection: Connection, bucketName: string) {
    super();
    // mongoose's own driver: no second copy of `mongodb` to keep in step.
    this.bucket = new mongo.GridFSBucket(connection.db!, { bucketName });
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

  read(fileId: string): Promise<Readable> {
    return Promise.resolve(this.bucket.openDownloadStream(fileId as never));
  }

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
}
