import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@sne/auth';
import {
  type ClassificationPlan,
  findCategory,
  isIsoDate,
  isJournalEventType,
  JOURNAL_EVENT_TYPES,
  type JournalCriteria,
  type JournalEntry,
  journalCsv,
  RELEVANCE_LABELS,
  RELEVANCES,
} from '@sne/domain';
import { InvalidInputError, numeroUniqueOf, tagVersion, versionFromIfMatch } from '@sne/platform';
import type { Request, Response } from 'express';
import type { SupportingDocument } from './document.repository';
import { DocumentsService } from './documents.service';
import { readMultipartUpload } from './multipart-upload';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function documentIdOf(text: string): string {
  if (!UUID.test(text))
    throw new InvalidInputError('invalid document id', [
      { path: '/documentId', message: 'the id the upload answered (a UUID)' },
    ]);
  return text;
}

/** A document as the API shows it: the stored state with the plan's labels. */
export function view(plan: ClassificationPlan, document: SupportingDocument) {
  const category = findCategory(plan, document.category);
  return {
    ...document,
    categoryLabel: category?.label ?? document.category,
    documentTypeLabel:
      category?.types.find((type) => type.code === document.documentType)?.label ??
      document.documentType,
    relevanceLabel: RELEVANCE_LABELS[document.relevance] ?? document.relevance,
  };
}

export function withVersion(
  response: Response,
  plan: ClassificationPlan,
  document: SupportingDocument,
) {
  tagVersion(response, document.version);
  return { document: view(plan, document) };
}

function journalCriteria(query: Record<string, unknown>): JournalCriteria {
  const issues: Array<{ path: string; message: string }> = [];
  const text = (name: string) => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      issues.push({ path: name, message: 'one value' });
      return undefined;
    }
    return value;
  };
  const category = text('category');
  const documentType = text('documentType');
  const eventType = text('eventType');
  const from = text('from');
  const to = text('to');
  if (eventType !== undefined && !isJournalEventType(eventType))
    issues.push({ path: 'eventType', message: `one of ${JOURNAL_EVENT_TYPES.join(', ')}` });
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (value !== undefined && !isIsoDate(value) && Number.isNaN(Date.parse(value)))
      issues.push({ path: name, message: 'a date (YYYY-MM-DD) or an ISO instant' });
  if (issues.length > 0) throw new InvalidInputError('invalid journal search', issues);
  const instant = (value: string | undefined) =>
    value === undefined || isIsoDate(value) ? value : new Date(value).toISOString();
  return {
    ...(category ? { category } : {}),
    ...(documentType ? { documentType } : {}),
    ...(eventType ? { eventType: eventType as JournalCriteria['eventType'] } : {}),
    ...(from ? { from: instant(from) } : {}),
    ...(to ? { to: instant(to) } : {}),
  };
}

/** `filename*` (RFC 6266 / 5987) for any name, with an ASCII fallback. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export const uploadSchema = {
  type: 'object',
  required: ['category', 'documentType', 'file'],
  properties: {
    category: { type: 'string', description: 'category code of the plan, e.g. IDD' },
    documentType: { type: 'string', description: 'type code in the category, e.g. CID' },
    relevance: { type: 'string', enum: RELEVANCES, default: 'NV' },
    validUntil: { type: 'string', format: 'date', description: 'end of validity, if any' },
    channel: {
      type: 'string',
      enum: ['guichet', 'portal'],
      default: 'guichet',
      description: 'portal: an applicant upload through the public portal (2 MB limit)',
    },
    file: {
      type: 'string',
      format: 'binary',
      description: 'PDF, JPEG or PNG (read from the bytes); the fields above come before it',
    },
  },
};

/** Supporting documents of a demand, for guichet software and operators. */
@ApiTags('documents')
@ApiBearerAuth()
@Controller()
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get('classification-plan')
  @ApiOperation({ summary: 'The classification plan in force: categories, types, codes, limits' })
  plan(): { plan: ClassificationPlan } {
    return { plan: this.documents.plan };
  }

  @Post('demands/:numeroUnique/documents')
  @ApiOperation({
    summary:
      'Upload a document (multipart, streamed): PDF, JPEG or PNG read from its bytes; 413 too large, 415 other type, 422 corrupt PDF, active content (PDF_ACTIVE_CONTENT=refuse) or category full, 409 the same file already attached',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: uploadSchema as never })
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const numero = numeroUniqueOf(numeroUnique);
    const document = await readMultipartUpload(
      request,
      { largestFileBytes: this.documents.largestFile },
      (fields, file) => this.documents.upload(principal, numero, fields, file),
    );
    response.status(201);
    response.setHeader(
      'Location',
      `/demands/${encodeURIComponent(numero)}/documents/${document.documentId}`,
    );
    return withVersion(response, this.documents.plan, document);
  }

  @Get('demands/:numeroUnique/documents')
  @ApiOperation({
    summary:
      "The demand's documents your profile sees (consultant simple and demande: non-sensitive ones only)",
  })
  @ApiQuery({ name: 'includeQuarantined', required: false, type: Boolean })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Query('includeQuarantined') includeQuarantined: string | undefined,
  ) {
    const documents = await this.documents.list(principal, numeroUniqueOf(numeroUnique), {
      includeQuarantined: includeQuarantined === 'true',
    });
    return { documents: documents.map((document) => view(this.documents.plan, document)) };
  }

  @Get('demands/:numeroUnique/documents/journal')
  @ApiOperation({
    summary:
      "The journal of the demand's documents (creation, file added, modification old → new, deletion, quarantine, restoration, purge), newest first; format=csv for a spreadsheet",
  })
  @ApiQuery({ name: 'category', required: false })
  @ApiQuery({ name: 'documentType', required: false })
  @ApiQuery({ name: 'eventType', required: false, enum: JOURNAL_EVENT_TYPES })
  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM-DD or ISO instant' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY-MM-DD (whole day) or ISO instant' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async journal(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ entries: JournalEntry[] } | string> {
    const format = query.format ?? 'json';
    if (format !== 'json' && format !== 'csv')
      throw new InvalidInputError('invalid journal search', [
        { path: 'format', message: 'json or csv' },
      ]);
    const entries = await this.documents.journal(
      principal,
      numeroUniqueOf(numeroUnique),
      journalCriteria(query),
    );
    if (format === 'csv') {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="journal-pieces.csv"');
      return journalCsv(entries, this.documents.plan);
    }
    return { entries };
  }

  @Get('demands/:numeroUnique/documents/:documentId')
  @ApiOperation({ summary: "A document's metadata (ETag: its version)" })
  async read(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Param('documentId') documentId: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document = await this.documents.read(
      principal,
      numeroUniqueOf(numeroUnique),
      documentIdOf(documentId),
    );
    return withVersion(response, this.documents.plan, document);
  }

  @Get('demands/:numeroUnique/documents/:documentId/content')
  @ApiOperation({
    summary:
      'Download the file as it was sent (consultant simple: refused); every download is audit-logged',
  })
  async content(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Param('documentId') documentId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const { document, content } = await this.documents.download(
      principal,
      numeroUniqueOf(numeroUnique),
      documentIdOf(documentId),
    );
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('X-Content-SHA256', document.file.sha256);
    return new StreamableFile(content, {
      type: document.file.contentType,
      length: document.file.size,
      disposition: contentDisposition(document.file.filename),
    });
  }

  @Patch('demands/:numeroUnique/documents/:documentId')
  @ApiOperation({
    summary:
      'Change the type (within its category), the relevance indicator or the end of validity; journaled with old and new values',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the version read, e.g. "2"' })
  @ApiBody({
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        documentType: { type: 'string' },
        relevance: { type: 'string', enum: RELEVANCES },
        validUntil: { type: 'string', format: 'date', nullable: true },
      },
    } as never,
  })
  async modify(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Param('documentId') documentId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document = await this.documents.modify(
      principal,
      numeroUniqueOf(numeroUnique),
      documentIdOf(documentId),
      body,
      versionFromIfMatch(ifMatch),
    );
    return withVersion(response, this.documents.plan, document);
  }

  @Delete('demands/:numeroUnique/documents/:documentId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Delete: the document goes to quarantine (restorable until it is purged)',
  })
  @ApiQuery({ name: 'motive', required: false, description: 'why, e.g. "PGP : Non vérifié"' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the version read, e.g. "2"' })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Param('documentId') documentId: string,
    @Query('motive') motive: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document = await this.documents.quarantine(
      principal,
      numeroUniqueOf(numeroUnique),
      documentIdOf(documentId),
      typeof motive === 'string' ? motive : undefined,
      versionFromIfMatch(ifMatch),
    );
    return withVersion(response, this.documents.plan, document);
  }

  @Post('demands/:numeroUnique/documents/:documentId/restoration')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a quarantined document (422 when its category is full)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the version read, e.g. "3"' })
  async restore(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Param('documentId') documentId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document = await this.documents.restore(
      principal,
      numeroUniqueOf(numeroUnique),
      documentIdOf(documentId),
      versionFromIfMatch(ifMatch),
    );
    return withVersion(response, this.documents.plan, document);
  }
}
