import { Controller, Get, Header, Inject, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@sne/auth';
import { isPersonDemand } from '@sne/domain';
import { Clock, Public } from '@sne/platform';
import { registrationCertificatePdf } from '@sne/printing';
import type { Response } from 'express';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { numeroOf } from '../demands/demands.controller';
import { DemandsService } from '../demands/demands.service';

export const CERTIFICATE_KEY = Symbol('CERTIFICATE_KEY');

export function certificateKeyFrom(base64Pem: string): KeyObject {
  return createPrivateKey(Buffer.from(base64Pem, 'base64').toString('utf8'));
}

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** Certificates: the registration certificate as PDF, and the key that checks their QR codes. */
@ApiTags('certificates')
@Controller()
export class CertificatesController {
  constructor(
    private readonly demands: DemandsService,
    private readonly clock: Clock,
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
    const demand = await this.demands.read(principal, numeroOf(numeroUnique));
    const now = this.clock.now();
    const applicant = isPersonDemand(demand)
      ? {
          lastName: demand.applicant.lastName,
          firstNames: demand.applicant.firstName,
          birthDate: day(demand.applicant.birthDate),
          address: [demand.postalAddress.postalCode, demand.postalAddress.locality],
        }
      : { lastName: demand.applicant.name, firstNames: '' };
    const pdf = await registrationCertificatePdf(
      {
        numeroUnique: demand.numeroUnique,
        applicant,
        guichet: {
          code: demand.createdBy,
          name: `Guichet ${demand.createdBy}`,
          department: demand.department,
        },
        depositDate: day(demand.depositDate!),
        validUntil: day(demand.anniversaryDate!),
        issuedOn: now,
        generatedAt: now,
        wishedCommunes: demand.wishedHousing.communes,
      },
      this.signingKey,
    );
    response.setHeader(
      'Content-Disposition',
      `inline; filename="attestation-${demand.numeroUnique.replace(/ /g, '')}.pdf"`,
    );
    return new StreamableFile(pdf, { type: 'application/pdf' });
  }

  @Public()
  @Get('certificates/public-key')
  @Header('Content-Type', 'application/x-pem-file')
  @ApiOperation({ summary: 'The Ed25519 public key that checks the QR codes of certificates' })
  publicKey(): string {
    return createPublicKey(this.signingKey).export({ type: 'spki', format: 'pem' }).toString();
  }
}
