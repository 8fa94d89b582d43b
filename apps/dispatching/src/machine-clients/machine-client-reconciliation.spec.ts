import { planMachineClients } from './machine-client-reconciliation';

const registration = (code: string) => ({ code, registeredAt: '2026-12-01T00:00:00.000Z' });

describe(planMachineClients.name, () => {
  it('revokes the clients of retired guichets', () => {
    const plan = planMachineClients(
      [{ code: 'P7501' }, { code: 'P7502', retiredAt: '2026-12-02T00:00:00.000Z' }],
      [registration('P7501'), registration('P7502')],
    );
    expect(plan).toEqual({ revoke: ['P7502'], withoutClient: [] });
  });

  it('revokes the clients of guichets no longer stored', () => {
    expect(planMachineClients([], [registration('M5701')])).toEqual({
      revoke: ['M5701'],
      withoutClient: [],
    });
  });

  it('reports guichets in service without a client, and only those', () => {
    const plan = planMachineClients(
      [
        { code: 'P7503' },
        { code: 'P7501' },
        { code: 'P7502', retiredAt: '2026-12-02T00:00:00.000Z' },
      ],
      [registration('P7501')],
    );
    expect(plan).toEqual({ revoke: [], withoutClient: ['P7503'] });
  });

  it('leaves a matching set alone', () => {
    expect(planMachineClients([{ code: 'P7501' }], [registration('P7501')])).toEqual({
      revoke: [],
      withoutClient: [],
    });
  });
});
