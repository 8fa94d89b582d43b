import { InvalidInputError } from '@sne/platform';
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

export interface IncomingFile {
  readonly stream: Readable;
  readonly filename: string | undefined;
  readonly declaredType: string | undefined;
}

export type FileHandler<T> = (
  fields: Readonly<Record<string, string>>,
  file: IncomingFile,
) => Promise<T>;

export interface MultipartLimits {
  /** Bytes busboy lets through for the file: above it the rest is read and dropped. */
  readonly maxFileBytes: number;
}

const FILE_FIELD = 'file';

/**
 * Reads a multipart/form-data upload as a stream: the text fields first, then one file part named
 * `file`, handed to `handle` as it arrives (never buffered whole). Whatever happens, the whole
 * request is read before this settles, so the refusal reaches a client still sending; a handler
 * that fails stops consuming and the rest of the file is dropped.
 */
export function readMultipartUpload<T>(
  request: IncomingMessage,
  limits: MultipartLimits,
  handle: FileHandler<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        preservePath: true,
        // Browsers and fetch send file names as UTF-8 (busboy's default reads them as latin1).
        defParamCharset: 'utf8',
        limits: {
          files: 1,
          fields: 20,
          fieldSize: 1_024,
          parts: 22,
          fileSize: limits.maxFileBytes,
        },
      });
    } catch (error) {
      request.resume();
      reject(
        new InvalidInputError('a multipart/form-data body is expected', [
          { path: 'content-type', message: (error as Error).message },
        ]),
      );
      return;
    }
    const fields: Record<string, string> = {};
    let handling: Promise<T> | undefined;
    let failure: Error | undefined;

    parser.on('field', (name, value) => {
      if (!handling) fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== FILE_FIELD || handling) {
        stream.resume();
        return;
      }
      handling = handle(fields, {
        stream,
        filename: info.filename,
        declaredType: info.mimeType,
      });
      handling.catch(() => {
        // Drop the rest of the file so the form (and the request) can be read to its end.
        stream.resume();
      });
    });
    parser.on('error', (error: Error) => {
      failure ??= new InvalidInputError('the multipart body is malformed', [
        { path: '/', message: error.message },
      ]);
      request.unpipe(parser);
      request.resume();
      settle();
    });
    parser.on('close', settle);

    let settled = false;
    function settle(): void {
      if (settled) return;
      settled = true;
      void (async () => {
        try {
          const result = handling ? await handling : undefined;
          if (failure) throw failure;
          if (!handling)
            throw new InvalidInputError('no file', [
              { path: `/${FILE_FIELD}`, message: 'a file part named "file" is required' },
            ]);
          resolve(result as T);
        } catch (error) {
          reject(failure ?? (error as Error));
        }
      })();
    }

    request.pipe(parser);
  });
}
