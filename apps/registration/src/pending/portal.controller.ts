import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { type ApplicantPrincipal, ApplicantRoute, CurrentApplicant } from '@sne/auth';
import { applicantTimeline, demandInputSchema, type TimelineEntry } from '@sne/domain';
import { numeroUniqueOf, requiredVersionFromIfMatch } from '@sne/platform';
import type { Response } from 'express';
import { CertificateDocuments } from '../certificates/certificate-documents';
import { pdfFile, summarySheetCounts } from '../certificates/certificates.controller';
import type { RegisteredDemand } from '../demands/demand.repository';
import { DemandsService } from '../demands/demands.service';
import { tagged } from './drafts.controller';
import type { PendingDemand } from './pending-demand.repository';
import { PendingDemandsService } from './pending-demands.service';

/**
 * The public portal's side, for the applicant signed in there: file a demand (it awaits a
 * guichet's validation), see one's demands and what happened to them, renew online.
 */
@ApiTags('portal')
@ApiBearerAuth()
@ApplicantRoute()
@Controller('portal/demands')
export class PortalController {
  constructor(
    private readonly pending: PendingDemandsService,
    private readonly demands: DemandsService,
    private readonly documents: CertificateDocuments,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      "File a demand on the portal (an applicant): complete CERFA with the account's email; it awaits a guichet's validation",
  })
  @ApiBody({ schema: demandInputSchema as never })
  async create(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ portalDemand: PendingDemand }> {
    const created = await this.pending.createOnPortal(applicant, body);
    response.status(201);
    return tagged(response, 'portalDemand', created);
  }

  @Get()
  @ApiOperation({ summary: "The applicant's demands: awaiting validation, and registered" })
  own(
    @CurrentApplicant() applicant: ApplicantPrincipal,
  ): Promise<{ awaitingValidation: PendingDemand[]; demands: RegisteredDemand[] }> {
    return this.pending.ownDemands(applicant);
  }

  @Get(':numeroUnique')
  @ApiOperation({ summary: "The applicant's own demand (audit-logged)" })
  async read(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    return tagged(
      response,
      'demand',
      await this.demands.read(applicant, numeroUniqueOf(numeroUnique)),
    );
  }

  @Get(':numeroUnique/events')
  @ApiOperation({
    summary:
      "What happened to the applicant's demand: deposit, validation, renewals, shared-management events (CAL, visits, lease...), radiation",
  })
  async events(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
  ): Promise<{ numeroUnique: string; events: TimelineEntry[] }> {
    const demand = await this.demands.read(applicant, numeroUniqueOf(numeroUnique));
    return { numeroUnique: demand.numeroUnique, events: applicantTimeline(demand) };
  }

  @Put(':numeroUnique')
  @ApiOperation({
    summary:
      "Update one's demand online at the version read (If-Match); last and first names stay locked",
  })
  @ApiBody({ schema: demandInputSchema as never })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "3"' })
  async update(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    const numero = numeroUniqueOf(numeroUnique);
    const demand = await this.demands.update(
      applicant,
      numero,
      requiredVersionFromIfMatch(ifMatch),
      body,
    );
    return tagged(response, 'demand', demand);
  }

  @Post(':numeroUnique/renewal')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Renew online (If-Match): the anniversary of the initial deposit is kept, the demand is marked renewed online',
  })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "3"' })
  async renew(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    const numero = numeroUniqueOf(numeroUnique);
    const demand = await this.demands.renew(applicant, numero, requiredVersionFromIfMatch(ifMatch));
    return tagged(response, 'demand', demand);
  }

  @Get(':numeroUnique/certificate')
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'The registration certificate (PDF with its signed QR code)' })
  async registrationCertificate(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const demand = await this.demands.read(applicant, numeroUniqueOf(numeroUnique));
    return pdfFile(
      response,
      'attestation',
      demand,
      await this.documents.registrationCertificate(demand),
    );
  }

  @Get(':numeroUnique/summary-sheet')
  @ApiProduces('application/pdf')
  @ApiQuery({ name: 'documentCount', required: false, type: Number })
  @ApiQuery({ name: 'pageCount', required: false, type: Number })
  @ApiOperation({
    summary: 'The fiche récapitulative to post with paper documents (PDF, no guichet on it)',
  })
  async summarySheet(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const counts = summarySheetCounts(query);
    const demand = await this.demands.read(applicant, numeroUniqueOf(numeroUnique));
    return pdfFile(
      response,
      'fiche-recapitulative',
      demand,
      await this.documents.summarySheet(demand, counts, true),
    );
  }

  @Get(':numeroUnique/renewal-certificate')
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'The receipt of the last renewal (PDF with its signed QR code)' })
  async renewalCertificate(
    @CurrentApplicant() applicant: ApplicantPrincipal,
    @Param('numeroUnique') numeroUnique: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const demand = await this.demands.read(applicant, numeroUniqueOf(numeroUnique));
    return pdfFile(
      response,
      'attestation-renouvellement',
      demand,
      await this.documents.renewalCertificate(demand),
    );
  }
}
