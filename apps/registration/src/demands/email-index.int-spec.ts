import { ManualClock } from '@sne/platform';
import { isolate, testStack } from '@sne/testing';
import { type Connection, createConnection } from 'mongoose';
import { demandRef, EmailIndex, pendingRef } from './email-index';

describe(EmailIndex.name, () => {
  const isolation = isolate('email-index');
  const clock = new ManualClock(new Date('2027-03-01T09:00:00Z'));
  let connection: Connection;
  let index: EmailIndex;
  let reads = 0;

  const open = () =>
    createConnection(testStack().mongoUri, {
      dbName: isolation.database,
      monitorCommands: true,
    }).asPromise();

  const readsDuring = async <T>(work: () => Promise<T>): Promise<{ result: T; reads: number }> => {
    reads = 0;
    const result = await work();
    return { result, reads };
  };

  beforeAll(async () => {
    connection = await open();
    connection.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'find') reads++;
    });
    index = new EmailIndex(connection, clock);
    await index.onModuleInit();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('finds every one of 30 demands filed under one address, in a few reads whatever their number', async () => {
    const refs = Array.from({ length: 30 }, (_, n) => demandRef(`057 0327 ${n} WEB00`));
    for (const ref of refs) await index.add(' Asso.Logement@Example.org', ref);

    const { result, reads: lookUpReads } = await readsDuring(() =>
      index.refs('asso.logement@example.org'),
    );
    expect(result).toEqual(refs);
    // The summary, the former layout's first key, the log's head, the pages the summary may lag
    // behind (four at most: three a look-up leaves as they are, and an add's own) and the probe
    // past the last one.
    expect(lookUpReads).toBeLessThanOrEqual(4 + 4);

    for (let n = 30; n < 60; n++) await index.add('asso.logement@example.org', `demand:${n}`);
    const grown = await readsDuring(() => index.refs('ASSO.LOGEMENT@example.org'));
    expect(grown.result).toHaveLength(60);
    expect(grown.reads).toBeLessThanOrEqual(4 + 4);
  });

  it('adds a ref once, however often it is added again (every update of a demand adds it)', async () => {
    await index.add('once@example.org', pendingRef('p-1'));
    await index.add('once@example.org', demandRef('057 0327 1 WEB00'));
    await index.add('Once@example.org', pendingRef('p-1'));
    await index.add('once@example.org', demandRef('057 0327 1 WEB00'));

    expect(await index.refs('once@example.org')).toEqual([
      pendingRef('p-1'),
      demandRef('057 0327 1 WEB00'),
    ]);
    expect(await index.refs('nobody@example.org')).toEqual([]);
  });

  it('loses nothing when instances add under one address at once', async () => {
    const others = await Promise.all([open(), open(), open()]);
    try {
      const instances = [index, ...others.map((other) => new EmailIndex(other, clock))];
      const added = Array.from({ length: 40 }, (_, n) => demandRef(`069 0327 ${n} 10691`));
      await Promise.all([
        ...added.map((ref, n) => instances[n % instances.length].add('shared@example.org', ref)),
        // The same ref from every instance at the same time: listed once all the same.
        ...instances.map((instance) => instance.add('shared@example.org', pendingRef('twice'))),
      ]);

      const found = await index.refs('shared@example.org');
      expect(found).toHaveLength(41);
      expect(new Set(found)).toEqual(new Set([...added, pendingRef('twice')]));
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
  });

  it('keeps addresses apart, "/" and "%" included', async () => {
    await index.add('a/b@example.org', 'demand:slash');
    await index.add('a%2Fb@example.org', 'demand:percent');
    await index.add('a@example.org', 'demand:plain');

    expect(await index.refs('a/b@example.org')).toEqual(['demand:slash']);
    expect(await index.refs('a%2Fb@example.org')).toEqual(['demand:percent']);
    expect(await index.refs('a@example.org')).toEqual(['demand:plain']);
  });

  it('gives every entry when the summary lags behind the log or was overwritten by an older one', async () => {
    for (let n = 0; n < 12; n++) await index.add('lag@example.org', `demand:${n}`);
    await connection
      .collection<{ _id: string }>('email_index_summaries')
      .replaceOne(
        { _id: 'lag@example.org' },
        { refs: ['demand:0', 'demand:1'], nextPage: 2 },
        { upsert: true },
      );

    const all = Array.from({ length: 12 }, (_, n) => `demand:${n}`);
    expect(await index.refs('lag@example.org')).toEqual(all);
    // That read brought the summary up to date.
    expect(
      await connection
        .collection<{ _id: string }>('email_index_summaries')
        .findOne({ _id: 'lag@example.org' }),
    ).toEqual({ _id: 'lag@example.org', refs: all, nextPage: 12 });
  });

  it('carries an address over from the former <email>#n layout once, then adds past its 20', async () => {
    const legacy = connection.collection<{ _id: string; ref: string }>('email_keys');
    const old = Array.from({ length: 20 }, (_, n) => ({
      _id: `former@example.org#${n}`,
      ref: demandRef(`057 0125 ${n} 57463`),
    }));
    await legacy.insertMany(old);

    expect(await index.refs('Former@example.org')).toEqual(old.map((entry) => entry.ref));
    await index.add('former@example.org', old[3].ref);
    await index.add('former@example.org', pendingRef('21st'));

    // Copied, not read again: the former entries may go.
    await legacy.deleteMany({});
    expect(await index.refs('former@example.org')).toEqual([
      ...old.map((entry) => entry.ref),
      pendingRef('21st'),
    ]);
  });
});
