import fc from 'fast-check';
import { addDays } from '../dates';
import {
  anniversaryAfterReactivation,
  firstAnniversary,
  nextAnniversary,
} from '../renewal/anniversary';
import {
  currentCycle,
  plannedNotices,
  reactivationEligibility,
  type RenewalSubject,
} from '../renewal/renewal-calendar';
import type { RenewalSettings } from '../renewal/renewal-settings';
import { anIsoDate, someRenewalSettings } from '../renewal/renewal.arbitraries';
import type { Demand } from './demand';
import { aDemand, aMunicipalityGuichet, THE_SYSTEM } from './demand.fixtures';
import { canRadiate, canReactivate, canRenew } from './demand-rules';

/**
 * The registration app stores a demand's anniversary on every renewal and reactivation; the
 * renewal-notices app computes the current cycle from the deposit and those events. Over random
 * lives of a demand, under random settings, they must always name the same day, and agree on
 * the day of the radiation for non-renewal and on the reactivation window.
 */

const GUICHET = '57A01';

/** What a guichet does next, this many days after the previous step (or the deposit). */
const steps = fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 8 });

/**
 * The renewal calendar's view of a demand: its events, without the anniversary the register
 * stored (which the calendar would take as is).
 */
function subjectOf(demand: Demand): RenewalSubject {
  return {
    numeroUnique: demand.numeroUnique ?? '',
    depositDate: demand.depositDate ?? '',
    renewals: demand.renewals,
    reactivations: demand.reactivations,
    createdOnline: demand.createdOnline,
    hasEmail: true,
    hasMobile: true,
    state: demand.state === 'radiated' ? 'radiated' : 'active',
    ...(demand.radiation ? { radiation: demand.radiation } : {}),
  };
}

/**
 * One day of the demand's life, with the demand rules only, as the registration app lives it:
 * the system radiates the demand if its renewal is overdue, on the day it fell due; then a
 * guichet renews it, or reactivates it when it was radiated and the rules allow. Checks on the
 * way that the renewal calendar agrees on each decision. `undefined` once the demand is lost.
 */
function liveDay(demand: Demand, today: string, rules: RenewalSettings): Demand | undefined {
  const guichet = aMunicipalityGuichet({ guichetCode: GUICHET });
  const { depositDate: deposit = '', anniversaryDate = '' } = demand;
  let current = demand;
  if (current.state === 'active') {
    const radiationDue = plannedNotices(subjectOf(current), rules).at(-1);
    expect(radiationDue?.kind).toBe('radiation-for-non-renewal');
    const due = radiationDue?.dueDate ?? '';
    const radiate = (date: string) =>
      canRadiate(current, { motive: 'RADREN', date }, THE_SYSTEM, date, undefined, rules);
    expect(radiate(addDays(due, -1))).toMatchObject({ ok: false, code: 'renewal-not-overdue' });
    const radiation = radiate(due);
    if (!radiation.ok) throw new Error(radiation.message);
    if (due <= today) current = { ...current, state: 'radiated', radiation: radiation.value };
  }
  if (current.state === 'radiated' && current.radiation) {
    const allowed = canReactivate(current, guichet, today, rules).ok;
    expect(reactivationEligibility(subjectOf(current), today, rules).allowed).toBe(allowed);
    if (!allowed) return undefined;
    return {
      ...current,
      state: 'active',
      anniversaryDate: anniversaryAfterReactivation(deposit, today, rules),
      reactivations: [
        ...current.reactivations,
        { date: today, recordedBy: GUICHET, radiation: current.radiation },
      ],
      radiation: undefined,
    };
  }
  expect(canRenew(current, guichet).ok).toBe(true);
  const next = nextAnniversary(deposit, today, rules);
  expect(next >= anniversaryDate).toBe(true);
  return {
    ...current,
    anniversaryDate: next,
    renewals: [
      ...current.renewals,
      { date: today, guichetCode: GUICHET, online: false, nextAnniversaryDate: next },
    ],
  };
}

describe('the anniversary the register stores and the cycle the renewal calendar computes', () => {
  it('are the same day after every renewal and reactivation', () => {
    fc.assert(
      fc.property(anIsoDate, someRenewalSettings, steps, (deposit, rules, gaps) => {
        let demand: Demand | undefined = aDemand({
          depositDate: deposit,
          anniversaryDate: firstAnniversary(deposit),
        });
        expect(currentCycle(subjectOf(demand), deposit, rules)).toBe(demand.anniversaryDate);
        let today = deposit;
        for (const gap of gaps) {
          today = addDays(today, gap);
          demand = liveDay(demand, today, rules);
          if (!demand) break;
          expect(currentCycle(subjectOf(demand), today, rules)).toBe(demand.anniversaryDate);
          expect((demand.anniversaryDate ?? '') > today).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('are the same day after a renewal on any date, before the deposit and at month ends included', () => {
    fc.assert(
      fc.property(
        anIsoDate,
        someRenewalSettings,
        fc.integer({ min: -400, max: 4000 }),
        (deposit, rules, offset) => {
          const renewedOn = addDays(deposit, offset);
          const renewed = aDemand({
            depositDate: deposit,
            renewals: [
              {
                date: renewedOn,
                guichetCode: GUICHET,
                online: false,
                nextAnniversaryDate: nextAnniversary(deposit, renewedOn, rules),
              },
            ],
          });
          expect(currentCycle(subjectOf(renewed), undefined, rules)).toBe(
            renewed.renewals[0]?.nextAnniversaryDate,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
