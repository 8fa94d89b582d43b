import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type ApplicantPrincipal, ApplicantRoute, CurrentApplicant } from '@sne/auth';
import { numeroUniqueOf } from '@sne/platform';
import type { Request, Response } from 'express';
import {
  contentDisposition,
  documentIdOf,
  uploadSchema,
  view,
  withVersion,
} from './documents.controller';
import { DocumentsService } from './documents.service';
import { readMultipartUpload } from './multipart-upload';

/**
 * The applicant's side, on the portal: the documents of their own demand (the demands carrying
 * the address the portal verified; any other is 404), the guichets' internal ones left out.
 * Uploads go through the portal channel and its limit, whatever the form says.
 */
@ApiTags('portal')
@ApiBearerAuth()
@ApplicantRoute()
@Controller('portal/demands/:numeroUnique/documents')
export class PortalDocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get()
  @ApiOperation({ summary: "The documents of the applicant's own demand" })
  async list(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
  ) {
    const documents = await this.documents.list(applicant, numeroUniqueOf(numeroUnique), {
      includeQuarantined: false,
    });
    return { documents: documents.map((document) => view(this.documents.plan, document)) };
  }

  @Post()
  @ApiOperation({
    summary:
      'Add a document to their demand (portal limit, 2 MB by default; internal categories refused)',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: uploadSchema as never })
  async upload(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const numero = numeroUniqueOf(numeroUnique);
    const document = await readMultipartUpload(
      request,
      { largestFileBytes: this.documents.largestFile },
      (fields, file) => this.documents.upload(applicant, numero, fields, file),
    );
    response.status(201);
    return withVersion(response, this.documents.plan, document);
  }

  @Get(':documentId/content')
  @ApiOperation({ summary: 'Download one of their documents (audit-logged)' })
  async content(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
    @Param('documentId') documentId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const { document, content } = await this.documents.download(
      applicant,
      numeroUniqueOf(numeroUnique),
      documentIdOf(documentId),
    );
    response.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(content, {
      type: document.file.contentType,
      length: document.file.size,
      disposition: contentDisposition(document.file.filename),
    });
  }

  @Delete(':documentId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete one of their documents: it goes to quarantine' })
  async remove(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
    @Param('documentId') documentId: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document = await this.documents.quarantine(
      applicant,
      numeroUniqueOf(numeroUnique),
      documentIdOf(documentId),
      'Suppression par le demandeur',
      undefined,
    );
    return withVersion(response, this.documents.plan, document);
  }
}
