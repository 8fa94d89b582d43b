import type { Readable } from 'node:stream';

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
 * Where the files of supporting documents live: one file per document, its id the document's id,
 * so a retried write finds its own leftovers by that id. GridFS by default, S3-compatible storage
 * as a setting (`DOCUMENT_STORAGE`); see `storage.providers.ts`.
 */
export abstract class FileStore {
  abstract open(fileId: string, filename: string, info: StoredFileInfo): FileUpload;

  /** The file's bytes; rejects, or the stream fails, when there is no such file. */
  abstract read(fileId: string): Promise<Readable>;

  /** Removes a file; a file already gone is not an error. */
  abstract remove(fileId: string): Promise<void>;

  abstract exists(fileId: string): Promise<boolean>;

  /** A whole file in memory: for the batch splitter, bounded by the upload limit. */
  async readAll(fileId: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.read(fileId)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}

/** The scanned batches as uploaded, kept apart from the documents (their own bucket or prefix). */
export abstract class BatchFileStore extends FileStore {}
