import { AuditLog } from '@sne/audit';
import { coversDepartment, CurrentPrincipal, type Principal, Roles } from '@sne/auth';
import { Controller, Get, Header, Inject, Param, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { isIsoDate, parseNumeroUnique, renewalLetter, type RenewalSettings } from '@sne/domain';
import { Clock, InvalidInputError, NotFoundError } from '@sne/platform';
import { renewalLettersPdf } from '@sne/printing';
import { RENEWAL_SETTINGS } from '../renewal-settings';
import {
  type LetterBatch,
  LetterBatchesRepository,
  type LetterItem,
  type LetterKind,
  LETTER_KINDS,
} from './letter-batches.repository';

const KIND_LABELS: Record<LetterKind, string> = {
  'plain-letter': 'Lettre simple',
  'registered-letter': 'Lettre recommandée avec accusé de réception',
};

/** Whether a letter is for a demand of the caller's territory (deny by default). */
function inTerritory(principal: Principal): (letter: LetterItem) => boolean {
  return (letter) => {
    try {
      return coversDepartment(
        principal.territory,
        parseNumeroUnique(letter.numeroUnique).department,
      );
    } catch {
      return false;
    }
  };
}

/**
 * The day's letters for the mail house: one PDF per day and kind, one page per applicant. A
 * territorial manager lists and prints the letters of their territory's demands only.
 */
@ApiTags('letters')
@ApiBearerAuth()
@Roles('national-admin', 'territorial-manager')
@Controller('letters')
export class LettersController {
  constructor(
    private readonly batches: LetterBatchesRepository,
    @Inject(RENEWAL_SETTINGS) private readonly settings: RenewalSettings,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The batches of letters, newest day first, with their letter counts' })
  list(@CurrentPrincipal() principal: Principal): Promise<LetterBatch[]> {
    return this.batches.list(inTerritory(principal));
  }

  @Get(':kind/:day')
  @Header('Content-Type', 'application/pdf')
  @ApiProduces('application/pdf')
  @ApiOperation({
    summary: 'The PDF of one day and kind of letters (plain-letter, registered-letter)',
  })
  async pdf(
    @Param('kind') kind: string,
    @Param('day') day: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StreamableFile> {
    const letterKind = LETTER_KINDS.find((known) => known === kind);
    if (!letterKind) {
      throw new InvalidInputError('unknown letter kind', [
        { path: '/kind', message: `must be one of ${LETTER_KINDS.join(', ')}` },
      ]);
    }
    if (!isIsoDate(day)) {
      throw new InvalidInputError('not a day', [
        { path: '/day', message: 'must be a YYYY-MM-DD date' },
      ]);
    }
    const letters = (await this.batches.letters(letterKind, day)).filter(inTerritory(principal));
    if (letters.length === 0) throw new NotFoundError(`no ${kind} on ${day}`);
    await this.audit.record({
      principal,
      action: 'download-letters',
      channel: 'letters',
      numeroUniques: letters.map((letter) => letter.numeroUnique),
      at: this.clock.now(),
    });
    const pdf = await renewalLettersPdf({
      kindLabel: KIND_LABELS[letterKind],
      date: new Date(`${day}T00:00:00Z`),
      generatedAt: new Date(`${day}T00:00:00Z`),
      portalUrl: this.settings.portalAddress,
      letters: letters.map((letter) => {
        const text = renewalLetter(
          letterKind,
          { numeroUnique: letter.numeroUnique, cycle: letter.cycle },
          this.settings,
        );
        return {
          numeroUnique: letter.numeroUnique,
          recipient: letter.recipient,
          address: letter.address,
          title: text.title,
          lines: text.lines,
        };
      }),
    });
    return new StreamableFile(pdf, {
      disposition: `inline; filename="${kind}-${day}.pdf"`,
    });
  }
}
