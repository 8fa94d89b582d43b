import { HttpException, HttpStatus } from '@nestjs/common';
import type { ActiveContentFinding } from '@sne/domain';
import type { ErrorBody } from '@sne/platform';
import { currentCorrelationId } from '@sne/platform';

/**
 * File refusals the platform's domain errors have no status for (413, 415, a corrupt file), in
 * the platform's error format `{ error: { code, message, details } }`: the exception filter sends
 * a body shaped like this as it is.
 */
export class FileRefusedError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    const correlationId = currentCorrelationId();
    const body: ErrorBody = {
      error: {
        code,
        message,
        ...(details ? { details } : {}),
        ...(correlationId ? { correlationId } : {}),
      },
    };
    super(body, status);
  }
}

export const fileTooLarge = (limit: number, channel: string) =>
  new FileRefusedError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'file-too-large',
    `the file is larger than ${limit} bytes, the limit of the ${channel} channel`,
    { limitBytes: limit, channel },
  );

export const unsupportedFileType = (declared: string | undefined, pdfOnly = false) =>
  new FileRefusedError(
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    'unsupported-file-type',
    pdfOnly
      ? 'a scanned batch is a PDF (read from its bytes, not its name)'
      : 'the file is neither a PDF, a JPEG nor a PNG (read from its bytes, not its name)',
    {
      accepted: pdfOnly ? ['application/pdf'] : ['application/pdf', 'image/jpeg', 'image/png'],
      declared: declared ?? null,
    },
  );

export const corruptFile = (reason: string) =>
  new FileRefusedError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'corrupt-file',
    'the PDF cannot be read: it is damaged, truncated or protected',
    { reason },
  );

export const compressedBomb = (reason: string) =>
  new FileRefusedError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'compressed-content-too-large',
    'the PDF holds compressed content that inflates far beyond any document (a compressed bomb)',
    { reason },
  );

export const bodyTooLarge = (limit: number, declared: number) =>
  new FileRefusedError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'file-too-large',
    `the request declares ${declared} bytes: no file above ${limit} bytes is taken here`,
    { limitBytes: limit, declaredBytes: declared },
  );

export const activeContentRefused = (reason: string, findings: readonly ActiveContentFinding[]) =>
  new FileRefusedError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'active-content',
    `${reason}: JavaScript, launch actions, embedded files, XFA forms and files that are also something else are not taken`,
    { findings },
  );
