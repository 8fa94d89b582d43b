import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { GuichetDelivery } from '@sne/contracts';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { newWebhookSecret } from '@sne/webhooks';
import { type Connection, type Model, Schema } from 'mongoose';

export interface WebhookSecret {
  readonly secret: string;
  readonly createdAt: string;
  /** Set on the previous secrets at a rotation: valid until then. */
  readonly expiresAt?: string;
}

export interface WebhookEndpointState {
  readonly guichetCode: string;
  readonly secrets: readonly WebhookSecret[];
  /** Since when every attempt failed (cleared by a success). */
  readonly failingSince?: string;
  /** The last failed attempt and why (an HTTP status, a timeout, an address refused). */
  readonly lastFailure?: { readonly at: string; readonly reason: string };
  readonly disabledAt?: string;
  readonly disabledReason?: string;
}

export interface WebhookDeadLetter {
  readonly deliveryId: string;
  readonly guichetCode: string;
  readonly delivery: GuichetDelivery;
  readonly reason: string;
  readonly attempts: number;
  readonly failedAt: string;
}

interface EndpointDocument extends Omit<WebhookEndpointState, 'guichetCode'> {
  _id: string;
}

interface DeadLetterDocument extends Omit<WebhookDeadLetter, 'deliveryId'> {
  _id: string;
}

const endpointSchema = new Schema<EndpointDocument>(
  {
    _id: String,
    secrets: { type: [Schema.Types.Mixed], default: [] },
    failingSince: String,
    lastFailure: Schema.Types.Mixed,
    disabledAt: String,
    disabledReason: String,
  },
  { versionKey: false, minimize: false },
);

const deadLetterSchema = new Schema<DeadLetterDocument>(
  {
    _id: String,
    guichetCode: { type: String, required: true },
    delivery: { type: Schema.Types.Mixed, required: true },
    reason: { type: String, required: true },
    attempts: Number,
    failedAt: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);
// Serves: a guichet's dead letters, newest first.
deadLetterSchema.index({ guichetCode: 1, failedAt: -1 });

/** Webhook endpoints' secrets and health, and the deliveries they could not take. */
@Injectable()
export class WebhookEndpointRepository implements OnModuleInit {
  private readonly endpoints: Model<EndpointDocument>;
  private readonly deadLetters: Model<DeadLetterDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.endpoints = connection.model<EndpointDocument>(
      'WebhookEndpoint',
      endpointSchema,
      'webhook_endpoints',
    );
    this.deadLetters = connection.model<DeadLetterDocument>(
      'WebhookDeadLetter',
      deadLetterSchema,
      'webhook_dead_letters',
    );
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.endpoints.init(), this.deadLetters.init()]);
  }

  async find(code: string): Promise<WebhookEndpointState | undefined> {
    const document = await this.endpoints.findById(code).lean<EndpointDocument>();
    if (!document) return undefined;
    const { _id, ...rest } = document;
    return { guichetCode: _id, ...rest };
  }

  /** A new secret; the previous ones stay valid `graceMs` more. Returns the new secret. */
  async rotateSecret(code: string, at: Date, graceMs: number): Promise<string> {
    const secret = newWebhookSecret();
    const current = await this.find(code);
    const expiresAt = new Date(at.getTime() + graceMs).toISOString();
    const kept = (current?.secrets ?? [])
      .filter((entry) => !entry.expiresAt || entry.expiresAt > at.toISOString())
      .map((entry) => ({
        ...entry,
        expiresAt: entry.expiresAt && entry.expiresAt < expiresAt ? entry.expiresAt : expiresAt,
      }));
    const secrets = [{ secret, createdAt: at.toISOString() }, ...kept];
    try {
      await this.endpoints.updateOne({ _id: code }, { $set: { secrets } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await this.endpoints.updateOne({ _id: code }, { $set: { secrets } });
    }
    return secret;
  }

  async markSuccess(code: string): Promise<void> {
    await this.endpoints.updateOne(
      { _id: code, failingSince: { $exists: true } },
      { $unset: { failingSince: 1 } },
    );
  }

  /** Records a failure and its reason; returns since when the endpoint has been failing. */
  async markFailure(code: string, at: Date, reason: string): Promise<Date> {
    const lastFailure = { at: at.toISOString(), reason };
    await this.endpoints.updateOne({ _id: code }, { $set: { lastFailure } });
    await this.endpoints.updateOne(
      { _id: code, failingSince: { $exists: false } },
      { $set: { failingSince: at.toISOString() } },
    );
    const state = await this.find(code);
    return new Date(state?.failingSince ?? at.toISOString());
  }

  async disable(code: string, at: Date, reason: string): Promise<void> {
    await this.endpoints.updateOne(
      { _id: code },
      { $set: { disabledAt: at.toISOString(), disabledReason: reason } },
    );
  }

  async enable(code: string): Promise<void> {
    await this.endpoints.updateOne(
      { _id: code },
      { $unset: { disabledAt: 1, disabledReason: 1, failingSince: 1 } },
    );
  }

  async addDeadLetter(letter: WebhookDeadLetter): Promise<void> {
    const { deliveryId, ...rest } = letter;
    await this.deadLetters.updateOne({ _id: deliveryId }, { $set: rest }, { upsert: true });
  }

  async deadLettersOf(code: string, limit = 100): Promise<WebhookDeadLetter[]> {
    const documents = await this.deadLetters
      .find({ guichetCode: code })
      .sort({ failedAt: -1 })
      .limit(limit)
      .lean<DeadLetterDocument[]>();
    return documents.map(({ _id, ...rest }) => ({ deliveryId: _id, ...rest }));
  }

  async takeDeadLetter(code: string, deliveryId: string): Promise<WebhookDeadLetter | undefined> {
    const document = await this.deadLetters
      .findOneAndDelete({ _id: deliveryId, guichetCode: code })
      .lean<DeadLetterDocument>();
    if (!document) return undefined;
    const { _id, ...rest } = document;
    return { deliveryId: _id, ...rest };
  }
}
