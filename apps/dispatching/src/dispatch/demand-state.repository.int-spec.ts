import { DemandEventTypes } from '@sne/contracts';
import { factory, isolate, testStack } from '@sne/testing';
import { type Connection, createConnection } from 'mongoose';
import { DemandStateRepository } from './demand-state.repository';

describe(DemandStateRepository.name, () => {
  const isolation = isolate('demand-states');
  const at = new Date('2027-03-01T09:00:00Z');
  let connection: Connection;
  let states: DemandStateRepository;
  const writes: string[] = [];

  beforeAll(async () => {
    connection = await createConnection(testStack().mongoUri, {
      dbName: isolation.database,
      monitorCommands: true,
    }).asPromise();
    connection.getClient().on('commandStarted', (event) => {
      if (['insert', 'update'].includes(event.commandName)) writes.push(event.commandName);
    });
    states = new DemandStateRepository(connection);
    await states.onModuleInit();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const versionsOf = (demand: ReturnType<typeof factory.demand>, versions: number[]) =>
    versions.map((version) =>
      factory.demandEvent(DemandEventTypes.Updated, { ...demand, version, state: 'active' }),
    );

  it('keeps the newest version of each demand of a batch, in one bulk write', async () => {
    const first = factory.demand();
    const second = factory.demand();
    writes.length = 0;
    await states.record([...versionsOf(first, [1, 3, 2]), ...versionsOf(second, [1])], at);
    expect(writes).toHaveLength(1);
    expect(await states.demandsOf(versionsOf(first, [9]))).toEqual([
      expect.objectContaining({ version: 9 }),
    ]);
    expect((await states.find(first.numeroUnique))?.version).toBe(3);
    expect((await states.find(second.numeroUnique))?.version).toBe(1);
  });

  it('changes nothing for an older or repeated version, and moves on for a newer one', async () => {
    const demand = factory.demand();
    await states.record(versionsOf(demand, [1, 2]), at);
    writes.length = 0;
    await states.record(versionsOf(demand, [1]), at);
    await states.record(versionsOf(demand, [2]), at);
    expect(writes).toEqual([]);
    expect((await states.find(demand.numeroUnique))?.version).toBe(2);

    await states.record(versionsOf({ ...demand, department: '075' }, [4]), at);
    const stored = await states.find(demand.numeroUnique);
    expect(stored).toMatchObject({ version: 4, department: '075' });
  });

  it('settles two batches inserting the same new demand at once on the newest version', async () => {
    const demand = factory.demand();
    await Promise.all([
      states.record(versionsOf(demand, [1]), at),
      states.record(versionsOf(demand, [2]), at),
    ]);
    expect((await states.find(demand.numeroUnique))?.version).toBe(2);
  });

  it('lists the active demands of the departments asked for', async () => {
    const radiated = factory.demand({ department: '02A' });
    const active = factory.demand({ department: '02A' });
    await states.record(
      [
        factory.demandEvent(DemandEventTypes.Radiated, { ...radiated, state: 'radiated' }),
        factory.demandEvent(DemandEventTypes.Registered, active),
      ],
      at,
    );
    const listed: string[] = [];
    for await (const { snapshot } of states.active(new Set(['02A'])))
      listed.push(snapshot.numeroUnique);
    expect(listed).toContain(active.numeroUnique);
    expect(listed).not.toContain(radiated.numeroUnique);
  });
});
