import { Injectable } from '@nestjs/common';
import {
  type AcceptedContentType,
  type ActiveContentFinding,
  checkPdfInflation,
  CONTENT_SNIFF_BYTES,
  detectContentType,
  type InflationLimits,
} from '@sne/domain';
import { InvalidInputError } from '@sne/platform';
import { PdfSafety } from '@sne/printing';
import { createHash } from 'node:crypto';
import {
  activeContentRefused,
  compressedBomb,
  corruptFile,
  fileTooLarge,
  unsupportedFileType,
} from '../http/file-errors';
import type { FileStore, FileUpload } from './file-store';
import type { IncomingFile } from './multipart-upload';
import { type PdfCheck, PdfChecker } from './pdf-check';

export interface ReceivedFile {
  readonly contentType: AcceptedContentType;
  readonly size: number;
  readonly sha256: string;
  readonly pages?: number;
  /** The PDF carried active content and what is stored is the file without it. */
  readonly neutralised?: NeutralisedFile;
}

export interface NeutralisedFile {
  readonly findings: readonly ActiveContentFinding[];
  readonly originalSize: number;
  readonly originalSha256: string;
}

export interface IntakeOptions {
  readonly limit: number;
  /** Named in the 413 answer. */
  readonly channel: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Scanned batches are PDFs only. */
  readonly pdfOnly?: boolean;
  /**
   * Refuse a PDF whose compressed content inflates past these (a compressed bomb). Scanned
   * batches go without: their rendering has its own time limit, and 200 pages of scans inflate
   * legitimately to gigabytes.
   */
  readonly inflationLimits?: InflationLimits;
  /**
   * Whether a PDF's active content is looked for here (the setting decides refuse or
   * neutralise). A scanned batch is checked by its job, which reports the batch refused.
   */
  readonly activeContent?: boolean;
}

/**
 * Streams an uploaded file into a store: its type from the first bytes (nothing is stored for a
 * type refused), its size against the limit, its SHA-256, and a PDF's structure checked by
 * pdfinfo as it goes. Images are kept as sent. On any refusal what was written is removed.
 */
@Injectable()
export class FileIntake {
  constructor(
    private readonly pdfs: PdfChecker,
    private readonly safety: PdfSafety,
  ) {}

  async receive(
    store: FileStore,
    file: IncomingFile,
    fileId: string,
    options: IntakeOptions,
  ): Promise<ReceivedFile> {
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    let contentType: AcceptedContentType | undefined;
    let upload: FileUpload | undefined;
    let pdf: PdfCheck | undefined;
    // Kept for the inflation and active content checks: an upload is at most the channel's
    // limit (18 MB).
    const pdfChunks: Buffer[] = [];
    const checkActiveContent = options.activeContent !== false;
    const begin = (bytes: Buffer) => {
      contentType = detectContentType(bytes);
      if (!contentType || (options.pdfOnly && contentType !== 'application/pdf'))
        throw unsupportedFileType(file.declaredType, options.pdfOnly);
      upload = store.open(fileId, fileId, { ...options.metadata, contentType });
      if (contentType === 'application/pdf') pdf = this.pdfs.start();
    };
    const put = async (bytes: Buffer) => {
      pdf?.write(bytes);
      if (pdf && (options.inflationLimits || checkActiveContent)) pdfChunks.push(bytes);
      await upload!.write(bytes);
    };
    try {
      for await (const chunk of file.stream.iterator({ destroyOnReturn: false })) {
        const bytes = chunk as Buffer;
        size += bytes.length;
        if (size > options.limit) throw fileTooLarge(options.limit, options.channel);
        hash.update(bytes);
        if (contentType) {
          await put(bytes);
          continue;
        }
        head = Buffer.concat([head, bytes]);
        if (head.length < CONTENT_SNIFF_BYTES) continue;
        begin(head);
        await put(head);
      }
      if (size === 0)
        throw new InvalidInputError('the file is empty', [
          { path: '/file', message: 'empty-file' },
        ]);
      if (!contentType) {
        begin(head);
        await put(head);
      }
      let pages: number | undefined;
      let neutralised: { file: NeutralisedFile; pdf: Buffer } | undefined;
      if (pdf) {
        const verdict = await pdf.verdict();
        if (!verdict.ok) throw corruptFile(verdict.reason);
        pages = verdict.pages;
        const bytes = Buffer.concat(pdfChunks);
        if (options.inflationLimits) {
          const inflation = await checkPdfInflation(bytes, options.inflationLimits);
          if (!inflation.ok) throw compressedBomb(inflation.reason);
          if (inflation.suspicious) {
            const rendering = await this.pdfs.probeRendering(bytes);
            if (!rendering.ok) throw compressedBomb(rendering.reason);
          }
        }
        if (checkActiveContent) {
          const safety = await this.safety.check(bytes);
          if (safety.outcome === 'refused')
            throw activeContentRefused(safety.reason, safety.findings);
          if (safety.outcome === 'neutralised')
            neutralised = {
              pdf: safety.pdf,
              file: {
                findings: safety.findings,
                originalSize: size,
                originalSha256: hash.copy().digest('hex'),
              },
            };
        }
      }
      if (neutralised) {
        // What was streamed is the file as sent: the store gets the neutralised one instead.
        await upload!.abort();
        upload = store.open(fileId, fileId, { ...options.metadata, contentType: contentType! });
        await upload.write(neutralised.pdf);
        await upload.finish();
        return {
          contentType: contentType!,
          size: neutralised.pdf.length,
          sha256: createHash('sha256').update(neutralised.pdf).digest('hex'),
          ...(pages !== undefined ? { pages } : {}),
          neutralised: neutralised.file,
        };
      }
      await upload!.finish();
      return {
        contentType: contentType!,
        size,
        sha256: hash.digest('hex'),
        ...(pages !== undefined ? { pages } : {}),
      };
    } catch (error) {
      pdf?.cancel();
      await upload?.abort().catch(() => undefined);
      throw error;
    }
  }
}
