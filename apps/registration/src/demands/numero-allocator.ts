import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { formatNumeroUnique, MAX_SEQUENCE, sequenceScope } from '@sne/domain';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

interface ClaimDocument {
  /** `<department> <MMYY>:<sequence>`: inserting it is what takes the sequence. */
  _id: string;
  numeroUnique: string;
  claimedAt: string;
}

interface HintDocument {
  /** `<department> <MMYY>` */
  _id: string;
  /** Where the next claim should start; a hint only (ADR 0003): claims decide. */
  next: number;
}

export class SequenceExhaustedError extends Error {}

/**
 * Issues numéros uniques: one sequence per department and month of deposit, each number taken by
 * inserting a document whose `_id` names it, so two registrations can never get the same number,
 * with no transaction and no atomic counter (ADR 0003).
 */
@Injectable()
export class NumeroAllocator implements OnModuleInit {
  private readonly claims: Model<ClaimDocument>;
  private readonly hints: Model<HintDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.claims = connection.model<ClaimDocument>(
      'NumeroClaim',
      new Schema<ClaimDocument>(
        { _id: String, numeroUnique: String, claimedAt: String },
        { versionKey: false },
      ),
      'numero_claims',
    );
    this.hints = connection.model<HintDocument>(
      'NumeroHint',
      new Schema<HintDocument>({ _id: String, next: Number }, { versionKey: false }),
      'numero_hints',
    );
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.claims.init(), this.hints.init()]);
  }

  async allocate(
    department: string,
    depositDate: Date,
    guichetCode: string,
    at: Date,
  ): Promise<string> {
    const scope = sequenceScope(department, depositDate);
    const hint = await this.hints.findById(scope).lean<HintDocument>();
    for (let sequence = hint?.next ?? 1; ; sequence++) {
      if (sequence > MAX_SEQUENCE) throw new SequenceExhaustedError(`no number left in ${scope}`);
      const numeroUnique = formatNumeroUnique({ department, depositDate, sequence, guichetCode });
      try {
        await this.claims.insertMany(
          [{ _id: `${scope}:${sequence}`, numeroUnique, claimedAt: at.toISOString() }],
          { lean: true },
        );
      } catch (error) {
        if (isDuplicateKeyError(error)) continue;
        throw error;
      }
      await this.moveHint(scope, sequence + 1);
      return numeroUnique;
    }
  }

  private async moveHint(scope: string, next: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.hints.updateOne({ _id: scope }, { $max: { next } }, { upsert: true });
        return;
      } catch (error) {
        // Two first claims of a month upserted the hint at once: the other one created it.
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
  }
}
