import { Test, type TestingModule } from '@nestjs/testing';
import { PlatformModule, ReadinessRegistry } from '@sne/platform';
import { isolate, testStack } from '@sne/testing';
import { type Connection, Schema } from 'mongoose';
import { isDuplicateKeyError } from './mongo-errors';
import { MONGO_CONNECTION, PersistenceModule } from './persistence.module';

describe(PersistenceModule.name, () => {
  const isolation = isolate('persistence');
  let moduleRef: TestingModule;
  let connection: Connection;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ appName: 'test', logLevel: 'silent' }),
        PersistenceModule.forRoot({ uri: testStack().mongoUri, database: isolation.database }),
      ],
    }).compile();
    await moduleRef.init();
    connection = moduleRef.get(MONGO_CONNECTION);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await moduleRef.close();
  });

  it('connects to the database named for the app and reports ready', async () => {
    expect(connection.name).toBe(isolation.database);
    const mongo = moduleRef
      .get(ReadinessRegistry)
      .all()
      .find((check) => check.name === 'mongodb');
    await expect(mongo?.check()).resolves.toBeUndefined();
  });

  it('lets exactly one of many concurrent inserts of one unique key win', async () => {
    // The atomic primitive the platform builds on (docs/adr/0003): FerretDB v1 applies $inc and
    // conditional updates as read-then-write, but enforces unique indexes atomically.
    const schema = new Schema({ claim: { type: String, required: true }, by: Number });
    schema.index({ claim: 1 }, { unique: true });
    const claims = connection.model('Claim', schema);
    await claims.init();
    const attempts = await Promise.allSettled(
      Array.from({ length: 40 }, (_, by) => claims.create({ claim: '057 1215 000042', by })),
    );
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const lost = attempts.filter((attempt) => attempt.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((attempt) => isDuplicateKeyError(attempt.reason))).toBe(true);
    expect(await claims.countDocuments({ claim: '057 1215 000042' })).toBe(1);
  });

  it('enforces a unique index', async () => {
    const schema = new Schema({ key: { type: String, required: true } });
    schema.index({ key: 1 }, { unique: true });
    const model = connection.model('Unique', schema);
    await model.init();
    await model.create({ key: 'a' });
    const duplicate = model.create({ key: 'a' });
    await expect(duplicate).rejects.toMatchObject({ code: 11000 });
    expect(isDuplicateKeyError(await duplicate.catch((error: unknown) => error))).toBe(true);
  });
});
