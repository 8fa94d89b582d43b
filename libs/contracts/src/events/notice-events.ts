export const NoticeEventTypes = {
  Sent: 'sne.notice.sent.v1',
  DeliveryReported: 'sne.notice.delivery-reported.v1',
} as const;

export type NoticeEventType = (typeof NoticeEventTypes)[keyof typeof NoticeEventTypes];

export const NOTICE_CHANNELS = ['email', 'sms', 'plain-letter', 'registered-letter'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

export interface NoticeEventData {
  numeroUnique: string;
  /** The renewal cycle: the anniversary date the notice is about (YYYY-MM-DD). */
  cycle: string;
  channel: NoticeChannel;
  sentAt: string;
  providerMessageId?: string;
  outcome?: 'delivered' | 'undeliverable' | 'bounced';
}

export const noticeEventDataSchema = {
  $id: 'https://schemas.sne.example/notice-event-data.json',
  type: 'object',
  required: ['numeroUnique', 'cycle', 'channel', 'sentAt'],
  additionalProperties: false,
  properties: {
    numeroUnique: { type: 'string', minLength: 1 },
    cycle: { type: 'string', format: 'date' },
    channel: { enum: [...NOTICE_CHANNELS] },
    sentAt: { type: 'string', format: 'date-time' },
    providerMessageId: { type: 'string' },
    outcome: { enum: ['delivered', 'undeliverable', 'bounced'] },
  },
} as const;
