import { Controller, Get, Header, Inject, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@sne/auth';
import { InvalidInputError, numeroUniqueOf, Public } from '@sne/platform';
import type { Response } from 'express';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { RegisteredDemand } from '../demands/demand.repository';
import { DemandsService } from '../demands/demands.service';
import { CERTIFICATE_KEY, CertificateDocuments } from './certificate-documents';

export { CERTIFICATE_KEY } from './certificate-documents';

export function certificateKeyFrom(base64Pem: string): KeyObject {
  return createPrivateKey(Buffer.from(base64Pem, 'base64').toString('utf8'));
}

/** A demand's PDF, named after its numéro. */
export function pdfFile(
  response: Response,
  prefix: string,
  demand: RegisteredDemand,
  pdf: Buffer,
): StreamableFile {
  response.setHeader(
    'Content-Disposition',
    `inline; filename="${prefix}-${demand.numeroUnique.replace(/ /g, '')}.pdf"`,
  );
  return new StreamableFile(pdf, { type: 'application/pdf' });
}

/** Far more documents and pages than one demand ever has. */
const MAX_COUNT = 999;

/** The counts a summary sheet prints, from the query: 400 for anything else. */
export function summarySheetCounts(query: Record<string, unknown>): {
  documentCount: number;
  pageCount: number;
} {
  const unknown = Object.keys(query).filter(
    (name) => name !== 'documentCount' && name !== 'pageCount',
  );
  if (unknown.length > 0)
    throw new InvalidInputError(
      'invalid query',
      unknown.map((name) => ({ path: name, message: 'is not a parameter' })),
    );
  return {
    documentCount: countOf(query, 'documentCount', 0),
    pageCount: countOf(query, 'pageCount', 1),
  };
}

function countOf(query: Record<string, unknown>, name: string, fallback: number): number {
  const value = query[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[0-9]{1,3}$/.test(value) || Number(value) > MAX_COUNT)
    throw new InvalidInputError('invalid query', [
      { path: name, message: `a whole number from 0 to ${MAX_COUNT}` },
    ]);
  return Number(value);
}

/** Certificates and the summary sheet as PDF, and the key that checks their QR codes. */
@ApiTags('certificates')
@Controller()
export class CertificatesController {
  constructor(
    private readonly demands: DemandsService,
    private readonly documents: CertificateDocuments,
    @Inject(CERTIFICATE_KEY) private readonly signingKey: KeyObject,
  ) {}

  @Get('demands/:numeroUnique/certificate')
  @ApiBearerAuth()
  @ApiProduces('application/pdf')
  @ApiOperation({
    summary: 'The registration certificate (PDF) with its signed QR code: number and deposit date',
  })
  async registrationCertificate(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const demand = await this.demands.read(principal, numeroUniqueOf(numeroUnique));
    return pdfFile(
      response,
      'attestation',
      demand,
      await this.documents.registrationCertificate(demand),
    );
  }

  @Get('demands/:numeroUnique/renewal-certificate')
  @ApiBearerAuth()
  @ApiProduces('application/pdf')
  @ApiOperation({
    summary:
      'The certificate of the last renewal (PDF) with its signed QR code; 422 for a demand never renewed',
  })
  async renewalCertificate(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const demand = await this.demands.read(principal, numeroUniqueOf(numeroUnique));
    return pdfFile(
      response,
      'attestation-renouvellement',
      demand,
      await this.documents.renewalCertificate(demand),
    );
  }

  @Get('demands/:numeroUnique/summary-sheet')
  @ApiBearerAuth()
  @ApiProduces('application/pdf')
  @ApiQuery({ name: 'documentCount', required: false, type: Number })
  @ApiQuery({ name: 'pageCount', required: false, type: Number })
  @ApiOperation({
    summary:
      'The fiche récapitulative (PDF) with its signed QR code, for the paper documents sent to the scanning service',
  })
  async summarySheet(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const counts = summarySheetCounts(query);
    const demand = await this.demands.read(principal, numeroUniqueOf(numeroUnique));
    return pdfFile(
      response,
      'fiche-recapitulative',
      demand,
      await this.documents.summarySheet(demand, counts),
    );
  }

  @Public()
  @Get('certificates/public-key')
  @Header('Content-Type', 'application/x-pem-file')
  @ApiOperation({ summary: 'The Ed25519 public key that checks the QR codes of certificates' })
  publicKey(): string {
    return createPublicKey(this.signingKey).export({ type: 'spki', format: 'pem' }).toString();
  }
}
