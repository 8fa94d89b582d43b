import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

interface EmailKeyDocument {
  /** `<email>#<n>`: the n-th demand (or portal demand) filed with this address. */
  _id: string;
  /** `pending:<id>` or `demand:<numéro>`. */
  ref: string;
}

/** Past this many demands under one address, it is a shared mailbox or a data problem. */
const MAX_PER_EMAIL = 20;

export const emailKey = (email: string) => email.trim().toLowerCase();
export const pendingRef = (id: string) => `pending:${id}`;
export const demandRef = (numeroUnique: string) => `demand:${numeroUnique}`;

/**
 * Demands by the applicant's email address: how a guichet finds a portal demand to validate, and
 * how the portal lists an applicant's demands. Read by `_id` only, as the control keys
 * (ADR 0007); an entry may outlive a change of address, so readers check the demand's current
 * address.
 */
@Injectable()
export class EmailIndex implements OnModuleInit {
  private readonly keys: Model<EmailKeyDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.keys = connection.model<EmailKeyDocument>(
      'EmailKey',
      new Schema<EmailKeyDocument>({ _id: String, ref: String }, { versionKey: false }),
      'email_keys',
    );
  }

  async onModuleInit(): Promise<void> {
    await this.keys.init();
  }

  async refs(email: string): Promise<string[]> {
    const found: string[] = [];
    for (let n = 0; n < MAX_PER_EMAIL; n++) {
      const entry = await this.keys.findById(`${emailKey(email)}#${n}`).lean<EmailKeyDocument>();
      if (!entry) break;
      found.push(entry.ref);
    }
    return found;
  }

  /** Idempotent for one ref. */
  async add(email: string, ref: string): Promise<void> {
    const key = emailKey(email);
    for (let n = 0; n < MAX_PER_EMAIL; n++) {
      try {
        await this.keys.insertMany([{ _id: `${key}#${n}`, ref }], { lean: true });
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const taken = await this.keys.findById(`${key}#${n}`).lean<EmailKeyDocument>();
        if (taken?.ref === ref) return;
      }
    }
  }
}
