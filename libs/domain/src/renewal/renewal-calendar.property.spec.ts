import fc from 'fast-check';
import { addDays, addMonths } from '../dates';
import {
  currentCycle,
  noticeJobId,
  noticesDue,
  plannedNotices,
  reactivationEligibility,
  RENEWAL_NOTICE_KINDS,
  RenewalNoticeKind,
  RenewalSubject,
  SentRenewalNotice,
} from './renewal-calendar';
import {
  anIsoDate as anIsoDate,
  someRenewalSettings as someRenewalSettings,
} from './renewal.arbitraries';

const contacts = fc.record({
  createdOnline: fc.boolean(),
  hasEmail: fc.boolean(),
  hasMobile: fc.boolean(),
  smsConsent: fc.option(fc.boolean(), { nil: undefined }),
});

/** Renewals as day offsets from the deposit, each online or not. */
const renewalOffsets = fc.array(
  fc.record({ after: fc.integer({ min: 1, max: 1500 }), online: fc.boolean() }),
  {
    maxLength: 4,
  },
);

function subjectOf(
  depositDate: string,
  channels: Omit<RenewalSubject, 'numeroUnique' | 'depositDate' | 'renewals' | 'state'>,
  renewals: { after: number; online: boolean }[],
): RenewalSubject {
  return {
    numeroUnique: '057 1215 073903 10691',
    depositDate,
    renewals: renewals.map(({ after, online }) => ({ date: addDays(depositDate, after), online })),
    state: 'active',
    ...channels,
  };
}

const ORDER: Record<RenewalNoticeKind, number> = {
  email: 0,
  sms: 0,
  'plain-letter': 0,
  'registered-letter': 1,
  'radiation-for-non-renewal': 2,
};

const kinds = fc.constantFrom(...RENEWAL_NOTICE_KINDS);

describe(noticesDue.name, () => {
  it('never returns a notice already marked sent, nor one kind twice', () => {
    fc.assert(
      fc.property(
        anIsoDate,
        contacts,
        renewalOffsets,
        fc.integer({ min: -30, max: 1800 }),
        fc.array(kinds),
        someRenewalSettings,
        (depositDate, channels, renewals, todayOffset, sentKinds, settings) => {
          const subject = subjectOf(depositDate, channels, renewals);
          const today = addDays(depositDate, todayOffset);
          const cycle = currentCycle(subject, today, settings) ?? '';
          const sent = sentKinds.map((kind) => ({ cycle, kind }));
          const due = noticesDue(subject, today, sent, settings);
          const dueKinds = due.map((notice) => notice.kind);
          expect(new Set(dueKinds).size).toBe(dueKinds.length);
          expect(dueKinds.filter((kind) => sentKinds.includes(kind))).toEqual([]);
          expect(due.every((notice) => notice.dueDate <= today && notice.cycle === cycle)).toBe(
            true,
          );
        },
      ),
    );
  });

  it('returns each notice of a cycle once over days of marking what it returned as sent', () => {
    fc.assert(
      fc.property(
        anIsoDate,
        contacts,
        renewalOffsets,
        fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
        fc.integer({ min: 1, max: 9 }),
        someRenewalSettings,
        (depositDate, channels, renewals, reactivateAfter, step, settings) => {
          let subject = subjectOf(depositDate, channels, renewals);
          const sent: SentRenewalNotice[] = [];
          const seen = new Set<string>();
          const end = addMonths(depositDate, 48);
          for (let today = depositDate; today <= end; today = addDays(today, step)) {
            if (subject.state === 'radiated' && subject.radiation) {
              if (reactivateAfter === undefined) break;
              const reactivation = addDays(subject.radiation.date, reactivateAfter);
              if (today < reactivation) continue;
              if (!reactivationEligibility(subject, reactivation, settings).allowed) break;
              subject = {
                ...subject,
                state: 'active',
                reactivations: [...(subject.reactivations ?? []), { date: reactivation }],
              };
            }
            for (const notice of noticesDue(subject, today, sent, settings)) {
              const key = `${notice.cycle} ${notice.kind}`;
              expect(seen.has(key)).toBe(false);
              seen.add(key);
              sent.push(notice);
              if (notice.kind === 'radiation-for-non-renewal') {
                subject = {
                  ...subject,
                  state: 'radiated',
                  radiation: { date: today, motive: 'RADREN' },
                };
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe(plannedNotices.name, () => {
  it('orders due dates: first notice, then registered letter, then radiation', () => {
    fc.assert(
      fc.property(
        anIsoDate,
        contacts,
        renewalOffsets,
        someRenewalSettings,
        (depositDate, channels, renewals, settings) => {
          const planned = plannedNotices(subjectOf(depositDate, channels, renewals), settings);
          for (const earlier of planned) {
            for (const later of planned) {
              if (ORDER[earlier.kind] < ORDER[later.kind]) {
                expect(earlier.dueDate <= later.dueDate).toBe(true);
              }
            }
          }
          expect(planned.map((notice) => notice.dueDate)).toEqual(
            planned.map((notice) => notice.dueDate).sort(),
          );
          expect(planned.at(-1)?.kind).toBe('radiation-for-non-renewal');
          expect(planned.every((notice) => notice.cycle === planned[0]?.cycle)).toBe(true);
        },
      ),
    );
  });
});

describe(noticeJobId.name, () => {
  it('gives distinct ids without colons to distinct notices', () => {
    const notice = fc.tuple(
      fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
      anIsoDate,
      kinds,
    );
    fc.assert(
      fc.property(notice, notice, (a, b) => {
        const [idA, idB] = [noticeJobId(...a), noticeJobId(...b)];
        expect(idA).not.toContain(':');
        expect(idA === idB).toBe(a[0] === b[0] && a[1] === b[1] && a[2] === b[2]);
      }),
    );
  });
});
