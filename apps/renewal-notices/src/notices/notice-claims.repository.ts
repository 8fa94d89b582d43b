import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RENEWAL_NOTICE_KINDS, type RenewalNoticeKind } from '@sne/domain';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

/**
 * `sending`: claimed, the provider may or may not have it (a crash here is never resent);
 * `sent`: the provider took it; `bounced` / `undeliverable`: the provider gave it up.
 */
export type NoticeState = 'sending' | 'sent' | 'bounced' | 'undeliverable';

export interface NoticeClaim {
  /** `<numéro unique>/<cycle>/<kind>`: at most one per demand, cycle and kind. */
  readonly id: string;
  readonly numeroUnique: string;
  readonly cycle: string;
  readonly kind: RenewalNoticeKind;
  readonly state: NoticeState;
  /** Who holds the claim (the BullMQ job and attempt): only it may release it. */
  readonly token: string;
  readonly claimedAt: string;
  readonly sentAt?: string;
  readonly providerMessageId?: string;
  /** The notice event is on Kafka. */
  readonly published?: boolean;
  /** What the provider reported later (SMPP receipt status, bounce). */
  readonly report?: string;
  /** The notice sent instead, after a bounce or an undeliverable SMS. */
  readonly fallback?: RenewalNoticeKind;
}

interface ClaimDocument extends Omit<NoticeClaim, 'id'> {
  _id: string;
}

/** One SMS segment as the SMS centre numbered it, with what its receipt needs. */
export interface SmsSegment {
  readonly claimId: string;
  readonly numeroUnique: string;
  readonly cycle: string;
  /** The first segment's receipt speaks for the message; the others only when it failed. */
  readonly first: boolean;
  readonly sentAt: string;
  readonly providerMessageId: string;
}

interface SmsMessageDocument extends SmsSegment {
  /** The SMS centre's message id of one segment. */
  _id: string;
}

/** The radiation is a command the registration app decides on, re-sent per version: no claim. */
const CLAIMED_KINDS = RENEWAL_NOTICE_KINDS.filter((kind) => kind !== 'radiation-for-non-renewal');

export function noticeClaimId(
  numeroUnique: string,
  cycle: string,
  kind: RenewalNoticeKind,
): string {
  return `${numeroUnique}/${cycle}/${kind}`;
}

/**
 * The exactly-once state of renewal notices: a notice is claimed by inserting its id before any
 * provider is called, so duplicated jobs, replayed events and restarts find it taken. A claim is
 * released only when the provider refused the notice, so it can be tried again.
 */
@Injectable()
export class NoticeClaimsRepository implements OnModuleInit {
  private readonly claims: Model<ClaimDocument>;
  private readonly smsMessages: Model<SmsMessageDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.claims = connection.model<ClaimDocument>(
      'NoticeClaim',
      new Schema<ClaimDocument>(
        {
          _id: String,
          numeroUnique: String,
          cycle: String,
          kind: String,
          state: String,
          token: String,
          claimedAt: String,
          sentAt: String,
          providerMessageId: String,
          published: Boolean,
          report: String,
          fallback: String,
        },
        { versionKey: false },
      ),
      'notice_claims',
    );
    this.smsMessages = connection.model<SmsMessageDocument>(
      'SmsMessage',
      new Schema<SmsMessageDocument>(
        {
          _id: String,
          claimId: String,
          numeroUnique: String,
          cycle: String,
          first: Boolean,
          sentAt: String,
          providerMessageId: String,
        },
        { versionKey: false },
      ),
      'sms_messages',
    );
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.claims.init(), this.smsMessages.init()]);
  }

  /** The new claim, or the one already there (then the caller must not send). */
  async claim(
    numeroUnique: string,
    cycle: string,
    kind: RenewalNoticeKind,
    token: string,
    at: Date,
  ): Promise<{ claimed: true } | { claimed: false; existing: NoticeClaim }> {
    const id = noticeClaimId(numeroUnique, cycle, kind);
    try {
      await this.claims.insertMany(
        [
          {
            _id: id,
            numeroUnique,
            cycle,
            kind,
            state: 'sending',
            token,
            claimedAt: at.toISOString(),
          },
        ],
        { lean: true },
      );
      return { claimed: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await this.find(id);
    // Released between the insert and the read: claim again.
    return existing
      ? { claimed: false, existing }
      : this.claim(numeroUnique, cycle, kind, token, at);
  }

  /** The provider refused: the notice may be tried again (by the same job's next attempt). */
  async release(id: string, token: string): Promise<void> {
    await this.claims.deleteOne({ _id: id, state: 'sending', token });
  }

  async markSent(id: string, sentAt: Date, providerMessageId?: string): Promise<void> {
    await this.claims.updateOne(
      { _id: id },
      {
        $set: {
          state: 'sent',
          sentAt: sentAt.toISOString(),
          ...(providerMessageId ? { providerMessageId } : {}),
        },
      },
    );
  }

  async markPublished(id: string): Promise<void> {
    await this.claims.updateOne({ _id: id }, { $set: { published: true } });
  }

  async markFailed(
    id: string,
    state: 'bounced' | 'undeliverable',
    report: string,
    fallback?: RenewalNoticeKind,
  ): Promise<void> {
    await this.claims.updateOne(
      { _id: id },
      { $set: { state, report, ...(fallback ? { fallback } : {}) } },
    );
  }

  async recordReport(id: string, report: string): Promise<void> {
    await this.claims.updateOne({ _id: id }, { $set: { report } });
  }

  async rememberSms(
    claim: Pick<SmsSegment, 'claimId' | 'numeroUnique' | 'cycle'>,
    messageIds: readonly string[],
    sentAt: Date,
  ): Promise<void> {
    const [providerMessageId] = messageIds;
    if (providerMessageId === undefined) return;
    await this.smsMessages
      .insertMany(
        messageIds.map((messageId, index) => ({
          _id: messageId,
          ...claim,
          first: index === 0,
          sentAt: sentAt.toISOString(),
          providerMessageId,
        })),
        { lean: true, ordered: false },
      )
      .catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
      });
  }

  async smsSegment(messageId: string): Promise<SmsSegment | undefined> {
    const found = await this.smsMessages.findById(messageId).lean<SmsMessageDocument>();
    if (!found) return undefined;
    const { _id, ...segment } = found;
    return segment;
  }

  async find(id: string): Promise<NoticeClaim | undefined> {
    const found = await this.claims.findById(id).lean<ClaimDocument>();
    if (!found) return undefined;
    const { _id, ...claim } = found;
    return { id: _id, ...claim };
  }

  /** Every notice of a demand's cycles, by `_id` look-ups (a radiation is never claimed). */
  async ofDemand(numeroUnique: string, cycles: readonly string[]): Promise<NoticeClaim[]> {
    const ids = cycles.flatMap((cycle) =>
      CLAIMED_KINDS.map((kind) => noticeClaimId(numeroUnique, cycle, kind)),
    );
    const found = await Promise.all(ids.map((id) => this.find(id)));
    return found.filter((claim): claim is NoticeClaim => claim !== undefined);
  }
}
