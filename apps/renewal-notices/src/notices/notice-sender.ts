import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  createEvent,
  type NoticeEventData,
  NoticeEventTypes,
  type RadiateForNonRenewalData,
  RegistrationCommandTypes,
  Topics,
} from '@sne/contracts';
import {
  currentCycle,
  dateInTimeZone,
  isOnlineDemand,
  nextSendableInstant,
  plannedNotices,
  renewalEmail,
  renewalSmsText,
  type RenewalSettings,
} from '@sne/domain';
import { EventPublisher } from '@sne/kafka';
import { MailSender, SmsSender } from '@sne/notifications';
import { Clock, MetricsService } from '@sne/platform';
import { DelayedError, type Job } from 'bullmq';
import type { CalendarEntry } from '../calendar/calendar-entry';
import { CalendarRepository } from '../calendar/calendar.repository';
import { LetterBatchesRepository } from '../letters/letter-batches.repository';
import { RENEWAL_SETTINGS } from '../renewal-settings';
import {
  type NoticeClaim,
  noticeClaimId,
  NoticeClaimsRepository,
} from './notice-claims.repository';
import { type NoticeJob, NoticeQueues } from './notice-queues';

export type NoticeOutcome =
  'sent' | 'bounced' | 'already-claimed' | 'cancelled' | 'unknown-demand' | 'no-recipient';

const SOURCE = '/sne/renewal-notices';

/** Why a mail relay gave a notice up for good: a 5xx reply, e.g. 550 no such mailbox. */
function isPermanentMailFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Sends one renewal notice, at most once per demand, cycle and kind: it checks the notice is
 * still due (a renewal moved the demand to its next cycle: nothing to send), claims it, hands it
 * to the provider, then records and publishes it. A provider failure releases the claim and the
 * job is retried with backoff; a crash after the claim leaves it taken, so the notice is never
 * sent twice (it shows as `sending` in the demand's notices for an operator to check).
 */
@Injectable()
export class NoticeSender {
  private readonly logger = new Logger(NoticeSender.name);
  private readonly outcomes;

  constructor(
    private readonly calendars: CalendarRepository,
    private readonly claims: NoticeClaimsRepository,
    private readonly letters: LetterBatchesRepository,
    private readonly queues: NoticeQueues,
    private readonly mail: MailSender,
    private readonly sms: SmsSender,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    @Inject(RENEWAL_SETTINGS) private readonly settings: RenewalSettings,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter(
      'sne_renewal_notices_total',
      'Renewal notice jobs processed, by kind and outcome',
      ['kind', 'outcome'],
    );
  }

  async process(job: Job<NoticeJob>, token?: string): Promise<NoticeOutcome> {
    const outcome = await this.attempt(job, token);
    this.outcomes.inc({ kind: job.data.kind, outcome });
    return outcome;
  }

  private async attempt(job: Job<NoticeJob>, token?: string): Promise<NoticeOutcome> {
    const notice = job.data;
    const stored = await this.calendars.find(notice.numeroUnique);
    if (!stored) return 'unknown-demand';
    const { entry } = stored;
    const now = this.clock.now();
    if (!this.isStillDue(entry, notice, now)) return 'cancelled';
    if (notice.kind === 'radiation-for-non-renewal') {
      await this.publishRadiation(entry, notice.cycle, now);
      return 'sent';
    }
    if (notice.kind === 'sms') {
      const sendable = nextSendableInstant(now, this.settings.quietHours, this.settings.timeZone);
      if (sendable > now && token) {
        // Quiet hours began while it waited (a retry, a backlog): hold it until the morning.
        await job.moveToDelayed(Date.now() + (sendable.getTime() - now.getTime()), token);
        throw new DelayedError();
      }
    }
    const claimToken = `${job.id ?? ''}#${job.attemptsMade}`;
    const claim = await this.claims.claim(
      notice.numeroUnique,
      notice.cycle,
      notice.kind,
      claimToken,
      now,
    );
    if (!claim.claimed) {
      if (claim.existing.state === 'sent' && !claim.existing.published) {
        await this.publishSent(claim.existing);
      }
      return 'already-claimed';
    }
    const id = noticeClaimId(notice.numeroUnique, notice.cycle, notice.kind);
    let providerMessageId: string | undefined | null;
    try {
      providerMessageId = await this.send(entry, notice, id, now);
    } catch (error) {
      if (notice.kind === 'email' && isPermanentMailFailure(error)) {
        await this.giveUp(entry, id, notice, 'bounced', String((error as Error).message));
        return 'bounced';
      }
      await this.claims.release(id, claimToken);
      throw error;
    }
    if (providerMessageId === null) {
      // The contact was removed since the scan: the next update re-plans the cycle.
      await this.claims.release(id, claimToken);
      return 'no-recipient';
    }
    await this.claims.markSent(id, now, providerMessageId);
    await this.publishSent({
      id,
      numeroUnique: notice.numeroUnique,
      cycle: notice.cycle,
      kind: notice.kind,
      sentAt: now.toISOString(),
      ...(providerMessageId ? { providerMessageId } : {}),
    });
    return 'sent';
  }

  /**
   * A notice bounced or an SMS was undeliverable: a plain letter goes instead, where the rules
   * allow paper (never to a demand created or renewed online, R. 441-2-7 CCH).
   */
  async giveUp(
    entry: CalendarEntry,
    claimId: string,
    notice: Pick<NoticeJob, 'cycle' | 'kind'>,
    state: 'bounced' | 'undeliverable',
    report: string,
  ): Promise<void> {
    const paper =
      this.settings.channels.plainLetter &&
      (this.settings.paperForOnlineDemands || !isOnlineDemand(entry.subject)) &&
      entry.recipient.address.length > 0;
    await this.claims.markFailed(claimId, state, report, paper ? 'plain-letter' : undefined);
    this.logger.warn({ msg: `renewal notice ${state}`, claimId, report, fallback: paper });
    if (!paper) return;
    await this.queues.enqueue({
      numeroUnique: entry.numeroUnique,
      cycle: notice.cycle,
      kind: 'plain-letter',
      version: entry.version,
      fallbackFor: notice.kind,
    });
  }

  private isStillDue(entry: CalendarEntry, notice: NoticeJob, now: Date): boolean {
    const today = dateInTimeZone(now, this.settings.timeZone);
    if (currentCycle(entry.subject, today, this.settings) !== notice.cycle) return false;
    if (notice.fallbackFor) return true;
    return plannedNotices(entry.subject, this.settings).some(
      (planned) => planned.kind === notice.kind && planned.cycle === notice.cycle,
    );
  }

  /** The provider's message id; `null` when the demand no longer has the contact. */
  private async send(
    entry: CalendarEntry,
    notice: NoticeJob,
    claimId: string,
    now: Date,
  ): Promise<string | undefined | null> {
    const { recipient } = entry;
    const text = { numeroUnique: entry.numeroUnique, cycle: notice.cycle };
    switch (notice.kind) {
      case 'email': {
        if (!recipient.email) return null;
        const mail = renewalEmail(text, this.settings);
        const sent = await this.mail.send({ to: recipient.email, ...mail, correlationId: claimId });
        return sent.messageId;
      }
      case 'sms': {
        if (!recipient.mobile) return null;
        const sent = await this.sms.send(recipient.mobile, renewalSmsText(text, this.settings));
        await this.claims.rememberSms(
          { claimId, numeroUnique: entry.numeroUnique, cycle: notice.cycle },
          sent.messageIds,
          now,
        );
        return sent.messageIds[0];
      }
      case 'plain-letter':
      case 'registered-letter':
        await this.letters.add(
          notice.kind,
          dateInTimeZone(now, this.settings.timeZone),
          {
            claimId,
            numeroUnique: entry.numeroUnique,
            cycle: notice.cycle,
            recipient: recipient.name,
            address: recipient.address,
          },
          now,
        );
        return undefined;
      case 'radiation-for-non-renewal':
        throw new RangeError('a radiation is a command, not a notice');
    }
  }

  async publishSent(
    claim: Pick<
      NoticeClaim,
      'id' | 'numeroUnique' | 'cycle' | 'kind' | 'sentAt' | 'providerMessageId'
    >,
  ): Promise<void> {
    if (claim.kind === 'radiation-for-non-renewal' || !claim.sentAt) return;
    const data: NoticeEventData = {
      numeroUnique: claim.numeroUnique,
      cycle: claim.cycle,
      channel: claim.kind,
      sentAt: claim.sentAt,
      ...(claim.providerMessageId ? { providerMessageId: claim.providerMessageId } : {}),
    };
    await this.publisher.publish(
      Topics.NoticeEvents,
      createEvent({
        id: `notice-sent/${claim.id}`,
        type: NoticeEventTypes.Sent,
        source: SOURCE,
        subject: claim.numeroUnique,
        data,
        correlationId: claim.id,
      }),
    );
    await this.claims.markPublished(claim.id);
  }

  async publishDeliveryReport(
    claim: Pick<
      NoticeClaim,
      'id' | 'numeroUnique' | 'cycle' | 'kind' | 'sentAt' | 'providerMessageId'
    >,
    outcome: 'delivered' | 'undeliverable' | 'bounced',
    at: Date,
  ): Promise<void> {
    if (claim.kind === 'radiation-for-non-renewal') return;
    await this.publisher.publish(
      Topics.NoticeEvents,
      createEvent({
        id: `notice-report/${claim.id}/${outcome}`,
        type: NoticeEventTypes.DeliveryReported,
        source: SOURCE,
        subject: claim.numeroUnique,
        data: {
          numeroUnique: claim.numeroUnique,
          cycle: claim.cycle,
          channel: claim.kind,
          sentAt: claim.sentAt ?? at.toISOString(),
          ...(claim.providerMessageId ? { providerMessageId: claim.providerMessageId } : {}),
          outcome,
        } satisfies NoticeEventData,
        correlationId: claim.id,
        time: at,
      }),
    );
  }

  private async publishRadiation(entry: CalendarEntry, cycle: string, now: Date): Promise<void> {
    const data: RadiateForNonRenewalData = {
      numeroUnique: entry.numeroUnique,
      cycle,
      expectedVersion: entry.version,
    };
    await this.publisher.publish(
      Topics.RegistrationCommands,
      createEvent({
        id: `radiate/${entry.numeroUnique}/${cycle}/v${entry.version}`,
        type: RegistrationCommandTypes.RadiateForNonRenewal,
        source: SOURCE,
        subject: entry.numeroUnique,
        data,
        correlationId: `radiate/${entry.numeroUnique}/${cycle}`,
        time: now,
      }),
    );
  }
}
