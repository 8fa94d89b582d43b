import { aDemand, aLandlordGuichet, aMunicipalityGuichet, THE_SYSTEM } from './demand.fixtures';
import {
  applicantTimeline,
  canRecordProcessingEvent,
  type ProcessingEvent,
  type ProcessingEventInput,
  processingEventInputSchema,
} from './processing-events';
import { validateBySchema } from './validate-demand';

const today = '2026-03-15';
const demand = aDemand({ depositDate: '2025-05-26' });
const record = (
  event: ProcessingEventInput,
  history: readonly ProcessingEvent[] = [],
  subject: Parameters<typeof canRecordProcessingEvent>[0] = demand,
) =>
  canRecordProcessingEvent(
    { ...subject, processingEvents: history },
    event,
    aLandlordGuichet(),
    today,
    'e1',
  );
const kept = (event: ProcessingEventInput): ProcessingEvent => ({
  ...event,
  id: 'e0',
  recordedOn: event.date,
  recordedBy: '10691',
});
const agenda = kept({ kind: 'cal-agenda', date: '2026-03-01', commission: 'CAL Metz' });
const attribution = kept({
  kind: 'cal-decision',
  date: '2026-03-02',
  commission: 'CAL Metz',
  decision: 'attribution',
});

describe('processingEventInputSchema', () => {
  const check = (input: unknown) => validateBySchema(processingEventInputSchema, input);

  it('accepts each kind with its own fields', () => {
    expect(check({ kind: 'cal-agenda', date: '2026-03-01', commission: 'CAL' }).ok).toBe(true);
    expect(
      check({ kind: 'visit', date: '2026-03-01', status: 'done', dwelling: { commune: '57463' } })
        .ok,
    ).toBe(true);
  });

  it("refuses another kind's field, an unknown kind, and a query operator, by path", () => {
    expect(
      check({ kind: 'cal-agenda', date: '2026-03-01', commission: 'CAL', decision: 'attribution' }),
    ).toEqual({ ok: false, issues: [{ path: '/decision', reason: 'is not an accepted field' }] });
    expect(check({ kind: 'party', date: '2026-03-01' })).toMatchObject({
      ok: false,
      issues: [{ path: '/kind' }],
    });
    expect(
      check({ kind: 'applicant-refusal', date: '2026-02-30', motive: { $gt: '' } }),
    ).toMatchObject({
      ok: false,
      issues: [
        { path: '/date', reason: 'must be a calendar date, YYYY-MM-DD' },
        { path: '/motive' },
      ],
    });
  });
});

describe(canRecordProcessingEvent.name, () => {
  it('keeps the event with who recorded it and when', () => {
    expect(record({ kind: 'cal-agenda', date: '2026-04-10', commission: 'CAL Metz' })).toEqual({
      ok: true,
      value: {
        kind: 'cal-agenda',
        date: '2026-04-10',
        commission: 'CAL Metz',
        id: 'e1',
        recordedOn: today,
        recordedBy: '10691',
      },
    });
  });

  it('refuses past events dated after today, and any event before the deposit', () => {
    expect(
      record({ kind: 'cal-examination', date: '2026-03-16', commission: 'CAL' }, [agenda]),
    ).toMatchObject({ ok: false, code: 'event-date-in-future', path: '/date' });
    expect(
      record({ kind: 'information-requested', date: '2025-05-25', items: ['avis'] }),
    ).toMatchObject({ ok: false, code: 'event-before-deposit' });
    expect(
      record({
        kind: 'information-requested',
        date: '2026-03-10',
        items: ['avis'],
        dueDate: '2026-03-01',
      }),
    ).toMatchObject({ ok: false, code: 'due-date-before-request', path: '/dueDate' });
  });

  it('lets a CAL examine or decide only a demand on its agenda', () => {
    const decision: ProcessingEventInput = {
      kind: 'cal-decision',
      date: '2026-03-02',
      commission: 'CAL Metz',
      decision: 'non-attribution',
    };
    expect(record(decision)).toMatchObject({ ok: false, code: 'cal-agenda-missing' });
    expect(record(decision, [agenda]).ok).toBe(true);
    expect(record({ ...decision, decision: 'attribution-ranked' }, [agenda])).toMatchObject({
      code: 'rank-required',
    });
    expect(record({ ...decision, rank: 2 }, [agenda])).toMatchObject({ code: 'rank-unexpected' });
  });

  it('takes a refusal only of something offered, with details for another motive', () => {
    const refusal: ProcessingEventInput = {
      kind: 'applicant-refusal',
      date: '2026-03-10',
      motive: 'rent',
    };
    expect(record(refusal)).toMatchObject({ ok: false, code: 'nothing-to-refuse' });
    expect(record(refusal, [agenda, attribution]).ok).toBe(true);
    expect(record({ ...refusal, motive: 'other' }, [agenda, attribution])).toMatchObject({
      code: 'motive-details-required',
      path: '/motiveDetails',
    });
  });

  it('takes a lease only after an attribution, in a current commune', () => {
    const lease: ProcessingEventInput = {
      kind: 'lease-signed',
      date: '2026-03-12',
      dwelling: { commune: '57463' },
    };
    expect(record(lease, [agenda])).toMatchObject({ code: 'no-attribution-decision' });
    expect(record(lease, [agenda, attribution]).ok).toBe(true);
    expect(
      record({ ...lease, dwelling: { commune: '57999' } }, [agenda, attribution]),
    ).toMatchObject({ code: 'unknown-commune', path: '/dwelling/commune' });
  });

  it('refuses other territories, the system, and demands not active', () => {
    const event: ProcessingEventInput = { kind: 'cal-agenda', date: '2026-04-01', commission: 'C' };
    expect(
      canRecordProcessingEvent(
        demand,
        event,
        aMunicipalityGuichet({ territory: ['075'] }),
        today,
        'x',
      ),
    ).toMatchObject({ code: 'outside-territory' });
    expect(canRecordProcessingEvent(demand, event, THE_SYSTEM, today, 'x')).toMatchObject({
      code: 'actor-not-allowed',
    });
    expect(record(event, [], { ...demand, state: 'radiated' })).toMatchObject({
      code: 'demand-not-active',
    });
  });
});

describe(applicantTimeline.name, () => {
  it('orders deposit, renewals and shared-management events by date, with French labels', () => {
    const timeline = applicantTimeline({
      ...demand,
      renewals: [
        {
          date: '2026-05-01',
          guichetCode: 'WEB00',
          online: true,
          nextAnniversaryDate: '2027-05-26',
        },
      ],
      processingEvents: [agenda, attribution],
    });
    expect(timeline.map((entry) => [entry.date, entry.kind, entry.label])).toEqual([
      ['2025-05-26', 'deposited', 'Dépôt de la demande'],
      ['2026-03-01', 'cal-agenda', "Inscription à l'ordre du jour d'une CAL"],
      ['2026-03-02', 'cal-decision', 'Décision de la CAL'],
      ['2026-05-01', 'renewed', 'Renouvellement en ligne'],
    ]);
    expect(timeline[2].event).toEqual(attribution);
  });
});
