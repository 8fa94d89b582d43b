import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type DeliveryReceipt, SmsSender } from '@sne/notifications';
import { Clock } from '@sne/platform';
import { setTimeout as sleep } from 'node:timers/promises';
import { CalendarRepository } from '../calendar/calendar.repository';
import { NoticeClaimsRepository } from './notice-claims.repository';
import { NoticeSender } from './notice-sender';

/** Final SMPP states of a message that did not reach the phone. */
const UNDELIVERABLE = new Set(['UNDELIV', 'REJECTD', 'EXPIRED', 'DELETED']);

/**
 * Records the SMS centre's delivery receipts on the notice, publishes them, and sends a letter
 * instead of an SMS that could not be delivered.
 */
@Injectable()
export class SmsReceipts implements OnApplicationBootstrap {
  private readonly logger = new Logger(SmsReceipts.name);

  constructor(
    private readonly sms: SmsSender,
    private readonly claims: NoticeClaimsRepository,
    private readonly calendars: CalendarRepository,
    private readonly sender: NoticeSender,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.sms.onDeliveryReceipt((receipt) => {
      this.record(receipt).catch((error: unknown) =>
        this.logger.error({ msg: 'delivery receipt not recorded', receipt, err: error }),
      );
    });
  }

  async record(receipt: DeliveryReceipt): Promise<void> {
    // A receipt can overtake the write of its message ids: look again briefly.
    let segment = await this.claims.smsSegment(receipt.messageId);
    for (let attempt = 0; !segment && attempt < 5; attempt++) {
      await sleep(200 * (attempt + 1));
      segment = await this.claims.smsSegment(receipt.messageId);
    }
    if (!segment) {
      this.logger.warn({ msg: 'delivery receipt of an unknown SMS', messageId: receipt.messageId });
      return;
    }
    const undeliverable = UNDELIVERABLE.has(receipt.status);
    // Each segment has its receipt: the first one speaks for a message that arrived.
    if (!undeliverable && !segment.first) return;
    const claim = {
      id: segment.claimId,
      numeroUnique: segment.numeroUnique,
      cycle: segment.cycle,
      kind: 'sms' as const,
      sentAt: segment.sentAt,
      providerMessageId: segment.providerMessageId,
    };
    await this.sender.publishDeliveryReport(
      claim,
      undeliverable ? 'undeliverable' : 'delivered',
      this.clock.now(),
    );
    if (!undeliverable) {
      await this.claims.recordReport(claim.id, receipt.status);
      return;
    }
    const stored = await this.calendars.find(claim.numeroUnique);
    if (!stored) return;
    await this.sender.giveUp(stored.entry, claim.id, claim, 'undeliverable', receipt.status);
  }
}
