import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

interface ForcingDocument {
  /** numéro unique of the demand registered despite the warning */
  _id: string;
  guichetCode: string;
  duplicates: string[];
  at: string;
}

const schema = new Schema<ForcingDocument>(
  { _id: String, guichetCode: String, duplicates: [String], at: String },
  { versionKey: false },
);
// Serves: counting each guichet's forcings.
schema.index({ guichetCode: 1, at: 1 });

/** Every "forçage doublon": which guichet registered which demand despite which duplicates. */
@Injectable()
export class DuplicateForcings implements OnModuleInit {
  private readonly forcings: Model<ForcingDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.forcings = connection.model<ForcingDocument>(
      'DuplicateForcing',
      schema,
      'duplicate_forcings',
    );
  }

  async onModuleInit(): Promise<void> {
    await this.forcings.init();
  }

  async record(forcing: {
    guichetCode: string;
    numeroUnique: string;
    duplicates: readonly string[];
    at: Date;
  }): Promise<void> {
    await this.forcings.insertMany(
      [
        {
          _id: forcing.numeroUnique,
          guichetCode: forcing.guichetCode,
          duplicates: [...forcing.duplicates],
          at: forcing.at.toISOString(),
        },
      ],
      { lean: true },
    );
  }
}
