import { InvalidInputError } from '@sne/platform';
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { bodyTooLarge } from '../http/file-errors';

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
  /** The largest file any caller of the route may send; the handler applies each one's own. */
  readonly largestFileBytes: number;
}

const FILE_FIELD = 'file';
/** What a form holds besides its file: boundaries, part headers, the text fields (20 × 1 kB). */
const ENVELOPE_BYTES = 64 * 1024;
/** How long the rest of a refused body is read and dropped before the connection is cut. */
const LINGER_MS = 10_000;

/**
 * After a refusal the answer goes out at once. The rest of the body is read and dropped for a
 * while, so that a client still sending reads the answer rather than a reset (closing at once
 * would discard it), and then the connection is cut: a refused upload costs that while at most,
 * not its size. (`Connection: close` is not sent: Node would close the socket as soon as the
 * answer is written, which is the reset this avoids.)
 */
function dropTheRest(request: IncomingMessage): void {
  if (request.complete) return;
  const cut = setTimeout(() => request.socket.destroy(), LINGER_MS);
  cut.unref();
  request.once('end', () => clearTimeout(cut));
  request.once('close', () => clearTimeout(cut));
  request.resume();
}

/**
 * Reads a multipart/form-data upload as a stream: the text fields first, then one file part named
 * `file`, handed to `handle` as it arrives (never buffered whole). A body declaring more than the
 * largest file is refused before it is read; a refusal by the handler (type, size, content) is
 * answered as soon as it is made.
 */
export function readMultipartUpload<T>(
  request: IncomingMessage,
  limits: MultipartLimits,
  handle: FileHandler<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const refuse = (error: Error) => {
      if (settled) return;
      settled = true;
      request.unpipe();
      dropTheRest(request);
      reject(error);
    };

    const declared = Number(request.headers['content-length']);
    if (declared > limits.largestFileBytes + ENVELOPE_BYTES) {
      refuse(bodyTooLarge(limits.largestFileBytes, declared));
      return;
    }
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
          // One byte more than allowed, so the handler sees the file is too large.
          fileSize: limits.largestFileBytes + 1,
        },
      });
    } catch (error) {
      refuse(
        new InvalidInputError('a multipart/form-data body is expected', [
          { path: 'content-type', message: (error as Error).message },
        ]),
      );
      return;
    }
    const fields: Record<string, string> = {};
    let handling: Promise<T> | undefined;
    let file: Readable | undefined;
    // The handler is reading the file: it must fail (and remove what it stored), not wait for ever
    // or keep a truncated file, when the body turns out broken or the client goes away.
    const abandonFile = (error: Error) => {
      if (file && !file.readableEnded) file.destroy(error);
    };

    parser.on('field', (name, value) => {
      if (!handling) fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== FILE_FIELD || handling) {
        stream.resume();
        return;
      }
      file = stream;
      handling = handle(fields, {
        stream,
        filename: info.filename,
        declaredType: info.mimeType,
      });
      handling.catch((error: Error) => {
        stream.resume();
        refuse(error);
      });
    });
    parser.on('error', (error: Error) => {
      abandonFile(error);
      refuse(
        new InvalidInputError('the multipart body is malformed', [
          { path: '/', message: error.message },
        ]),
      );
    });
    parser.on('close', () => {
      void (async () => {
        try {
          if (!handling)
            throw new InvalidInputError('no file', [
              { path: `/${FILE_FIELD}`, message: 'a file part named "file" is required' },
            ]);
          const result = await handling;
          if (settled) return;
          settled = true;
          resolve(result);
        } catch (error) {
          refuse(error as Error);
        }
      })();
    });

    request.on('close', () => {
      if (request.complete) return;
      const error = new InvalidInputError('the upload ended before its body did', [
        { path: '/', message: 'the connection closed mid-body' },
      ]);
      abandonFile(error);
      refuse(error);
    });
    request.pipe(parser);
  });
}
