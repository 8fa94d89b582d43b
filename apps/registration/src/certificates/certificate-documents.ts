import { Inject, Injectable } from '@nestjs/common';
import { CIVILITY_LABELS, isPersonDemand } from '@sne/domain';
import { Clock, RuleViolationError } from '@sne/platform';
import {
  type PrintedApplicant,
  registrationCertificatePdf,
  renewalCertificatePdf,
  summarySheetPdf,
} from '@sne/printing';
import type { KeyObject } from 'node:crypto';
import type { RegisteredDemand } from '../demands/demand.repository';

export const CERTIFICATE_KEY = Symbol('CERTIFICATE_KEY');

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

function applicantOf(demand: RegisteredDemand): PrintedApplicant {
  return isPersonDemand(demand)
    ? {
        civility: CIVILITY_LABELS[demand.applicant.civility],
        lastName: demand.applicant.lastName,
        firstNames: demand.applicant.firstName,
        birthDate: day(demand.applicant.birthDate),
        address: [demand.postalAddress.postalCode, demand.postalAddress.locality],
      }
    : { lastName: demand.applicant.name, firstNames: '' };
}

/** The PDFs of a demand (libs/printing), their QR codes signed with the register's key. */
@Injectable()
export class CertificateDocuments {
  constructor(
    private readonly clock: Clock,
    @Inject(CERTIFICATE_KEY) private readonly signingKey: KeyObject,
  ) {}

  registrationCertificate(demand: RegisteredDemand): Promise<Buffer> {
    const now = this.clock.now();
    return registrationCertificatePdf(
      {
        numeroUnique: demand.numeroUnique,
        applicant: applicantOf(demand),
        guichet: this.guichetOf(demand),
        depositDate: day(demand.depositDate!),
        validUntil: day(demand.anniversaryDate!),
        issuedOn: now,
        generatedAt: now,
        wishedCommunes: demand.wishedHousing.communes,
      },
      this.signingKey,
    );
  }

  /** Of the last renewal; 422 for a demand never renewed. */
  renewalCertificate(demand: RegisteredDemand): Promise<Buffer> {
    const renewal = demand.renewals.at(-1);
    if (!renewal)
      throw new RuleViolationError('the demand was never renewed', [
        { path: '', message: 'never-renewed' },
      ]);
    const now = this.clock.now();
    return renewalCertificatePdf(
      {
        numeroUnique: demand.numeroUnique,
        applicant: applicantOf(demand),
        guichet: { code: renewal.guichetCode, name: `Guichet ${renewal.guichetCode}` },
        depositDate: day(demand.depositDate!),
        renewalDate: day(renewal.date),
        validUntil: day(renewal.nextAnniversaryDate),
        issuedOn: now,
        generatedAt: now,
        wishedCommunes: demand.wishedHousing.communes,
      },
      this.signingKey,
    );
  }

  /** The fiche récapitulative stapled on the demand's paper documents for the scanning channel. */
  summarySheet(
    demand: RegisteredDemand,
    counts: { documentCount: number; pageCount: number },
    /** Printed by the applicant on the portal: no guichet on it. */
    byApplicant = false,
  ): Promise<Buffer> {
    const now = this.clock.now();
    return summarySheetPdf(
      {
        numeroUnique: demand.numeroUnique,
        applicant: applicantOf(demand),
        depositDate: day(demand.depositDate!),
        ...(byApplicant ? {} : { guichet: this.guichetOf(demand) }),
        documentCount: counts.documentCount,
        pageCount: counts.pageCount,
        filledOn: now,
        generatedAt: now,
      },
      this.signingKey,
    );
  }

  private guichetOf(demand: RegisteredDemand) {
    return {
      code: demand.createdBy,
      name: `Guichet ${demand.createdBy}`,
      department: demand.department,
    };
  }
}
