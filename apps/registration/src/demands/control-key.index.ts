import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

interface ControlKeyDocument {
  /** `<key>#<n>`: the n-th demand registered with this key. */
  _id: string;
  numeroUnique: string;
}

/** More demands than this under one key is not a person, it is a data problem: stop there. */
const MAX_PER_KEY = 100;

/**
 * The duplicate check's index: for each control key (the four control fields normalised, or the
 * NIR), the demands registered with it. A key's demands are `<key>#0`, `<key>#1`, … so the
 * look-up is a few reads by `_id`, whatever the number of demands stored (ADR 0006).
 */
@Injectable()
export class ControlKeyIndex implements OnModuleInit {
  private readonly keys: Model<ControlKeyDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.keys = connection.model<ControlKeyDocument>(
      'ControlKey',
      new Schema<ControlKeyDocument>({ _id: String, numeroUnique: String }, { versionKey: false }),
      'control_keys',
    );
  }

  async onModuleInit(): Promise<void> {
    await this.keys.init();
  }

  /** The demands registered under a key, oldest first. */
  async holders(key: string): Promise<string[]> {
    const found: string[] = [];
    for (let n = 0; n < MAX_PER_KEY; n++) {
      const entry = await this.keys.findById(`${key}#${n}`).lean<ControlKeyDocument>();
      if (!entry) break;
      found.push(entry.numeroUnique);
    }
    return found;
  }

  /** Idempotent for one demand: a key already pointing at it is left as it is. */
  async add(key: string, numeroUnique: string): Promise<void> {
    for (let n = 0; n < MAX_PER_KEY; n++) {
      try {
        await this.keys.insertMany([{ _id: `${key}#${n}`, numeroUnique }], { lean: true });
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const taken = await this.keys.findById(`${key}#${n}`).lean<ControlKeyDocument>();
        if (taken?.numeroUnique === numeroUnique) return;
      }
    }
  }
}
