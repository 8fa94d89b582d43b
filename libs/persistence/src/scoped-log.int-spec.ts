import { isolate, testStack } from '@sne/testing';
import { type Connection, createConnection } from 'mongoose';
import { ScopedLog } from './scoped-log';

describe(ScopedLog.name, () => {
  const isolation = isolate('scoped-log');
  let connection: Connection;
  let log: ScopedLog<{ n: number; writer: string }>;
  const at = new Date('2027-03-01T05:00:00Z');

  beforeAll(async () => {
    connection = await createConnection(testStack().mongoUri, {
      dbName: isolation.database,
    }).asPromise();
    log = new ScopedLog(connection, 'due_days');
    await log.init();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('keeps every item of concurrent appends, pages without gaps, each scope apart', async () => {
    const writers = ['a', 'b', 'c', 'd'];
    await Promise.all(
      writers.map(async (writer) => {
        for (let n = 0; n < 10; n++) await log.append('2027-03-01', [{ n, writer }], at);
      }),
    );
    await log.append('2027-03-02', [{ n: 99, writer: 'other-day' }], at);

    const read = await log.read('2027-03-01');
    expect(read.nextPage).toBe(40);
    expect(read.items).toHaveLength(40);
    for (const writer of writers) {
      // One writer's appends keep their order.
      expect(read.items.filter((item) => item.writer === writer).map((item) => item.n)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
    }
    expect((await log.read('2027-03-02')).items).toEqual([{ n: 99, writer: 'other-day' }]);
  });

  it('resumes a read where the last one stopped and sees only what came since', async () => {
    const first = await log.read('2027-04-01');
    expect(first).toEqual({ items: [], nextPage: 0 });
    await log.append('2027-04-01', [{ n: 1, writer: 'x' }], at);
    const second = await log.read('2027-04-01', first.nextPage);
    expect(second).toEqual({ items: [{ n: 1, writer: 'x' }], nextPage: 1 });
    await log.append('2027-04-01', [{ n: 2, writer: 'x' }], at);
    await expect(log.read('2027-04-01', second.nextPage)).resolves.toEqual({
      items: [{ n: 2, writer: 'x' }],
      nextPage: 2,
    });
  });

  it('splits a large append into pages of at most 1,000 items', async () => {
    const items = Array.from({ length: 2_500 }, (_, n) => ({ n, writer: 'bulk' }));
    await log.append('2027-05-01', items, at);
    const read = await log.read('2027-05-01');
    expect(read.nextPage).toBe(3);
    expect(read.items.map((item) => item.n)).toEqual(items.map((item) => item.n));
  });

  it('refuses a scope that would break the page ids', async () => {
    await expect(log.append('2027/05', [{ n: 1, writer: 'x' }], at)).rejects.toThrow(RangeError);
    await expect(log.read('')).rejects.toThrow(RangeError);
  });
});
