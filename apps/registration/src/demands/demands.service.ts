import { Injectable } from '@nestjs/common';
import type { GuichetPrincipal, Principal } from '@sne/auth';
import { createEvent, type DemandEventType, DemandEventTypes } from '@sne/contracts';
import {
  anniversaryAfterReactivation,
  canActOnDemand,
  canChangeNames,
  canRadiate,
  canReactivate,
  canRenew,
  departmentOfCommune,
  type DemandInput,
  duplicateKeys,
  firstAnniversary,
  firstChoiceCommune,
  isPersonDemand,
  nextAnniversary,
  nirDuplicateKey,
  parisDate,
  type Refusal,
  validateDemandInput,
  validateRadiationRequest,
} from '@sne/domain';
import {
  Clock,
  ConflictError,
  currentCorrelationId,
  ForbiddenError,
  InvalidInputError,
  MetricsService,
  NotFoundError,
  RuleViolationError,
  StaleVersionError,
} from '@sne/platform';
import { AuditLog } from '../audit/audit-log';
import { NoticeDatesRepository } from '../notices/notice-dates';
import { OutboxRelay } from '../outbox/outbox-relay';
import { ControlKeyIndex } from './control-key.index';
import { type DemandSearch, searchFilter } from './demand-search';
import { DemandRepository, type RegisteredDemand } from './demand.repository';
import { DuplicateForcings } from './duplicate-forcings';
import { NumeroAllocator } from './numero-allocator';

export const EVENT_SOURCE = 'sne://registration';

/** What the domain rules call an actor, for a caller of the API. */
function actorOf(principal: Principal) {
  if (principal.kind === 'guichet') {
    return {
      kind: 'guichet' as const,
      guichetCode: principal.id,
      guichetType: principal.guichetType as never,
      territory: principal.territory === 'all' ? ('national' as const) : principal.territory,
      ...(principal.siren ? { siren: principal.siren } : {}),
    };
  }
  return {
    kind: 'territorial-manager' as const,
    territory: principal.territory === 'all' ? ('national' as const) : principal.territory,
  };
}

/** The register itself acting (radiation for non-renewal). */
const SYSTEM = Symbol('system');

/** A refusal of the domain rules as the API's error: 403 outside the territory, else 422. */
function accept<T>(decision: { ok: true; value?: T } | Refusal, path = ''): T {
  if (decision.ok) return decision.value as T;
  if (decision.code === 'outside-territory')
    throw new ForbiddenError(decision.message, { code: decision.code });
  throw new RuleViolationError(decision.message, [{ path, message: decision.code }]);
}

/** Demands: registration, reading and updating, each change announced through the outbox. */
@Injectable()
export class DemandsService {
  private readonly forcingsCounter;

  constructor(
    private readonly demands: DemandRepository,
    private readonly numeros: NumeroAllocator,
    private readonly controlKeys: ControlKeyIndex,
    private readonly forcings: DuplicateForcings,
    private readonly relay: OutboxRelay,
    private readonly audit: AuditLog,
    private readonly noticeDates: NoticeDatesRepository,
    private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    this.forcingsCounter = metrics.counter(
      'sne_duplicate_forcings_total',
      'Registrations forced past a duplicate warning, by guichet',
      ['guichet'],
    );
  }

  async register(
    guichet: GuichetPrincipal,
    body: unknown,
    options: { forceDuplicate: boolean },
  ): Promise<RegisteredDemand> {
    const now = this.clock.now();
    const today = parisDate(now);
    const input = this.validInput(body, today);
    const department = this.departmentOf(input);
    accept(canActOnDemand(actorOf(guichet), { department }));

    const keys = this.controlKeysOf(input);
    const duplicates = await this.activeHolders(keys);
    if (duplicates.length > 0) {
      if (!options.forceDuplicate) {
        throw new ConflictError('an active demand of the same person exists', {
          code: 'duplicate',
          duplicates,
          hint: 'register anyway with ?forceDuplicate=true; the forcing is recorded',
        });
      }
    }
    const numeroUnique = await this.numeros.allocate(
      department,
      new Date(`${today}T00:00:00Z`),
      guichet.id,
      now,
    );
    if (duplicates.length > 0) {
      await this.forcings.record({ guichetCode: guichet.id, numeroUnique, duplicates, at: now });
      this.forcingsCounter.inc({ guichet: guichet.id });
    }
    const demand: RegisteredDemand = {
      ...input,
      numeroUnique,
      state: 'active',
      version: 1,
      department,
      depositDate: today,
      anniversaryDate: firstAnniversary(today),
      renewals: [],
      reactivations: [],
      createdBy: guichet.id,
      lastChangedBy: guichet.id,
      lastChangedOn: today,
      createdOnline: false,
      renewedOnline: false,
    };
    await this.saveAndAnnounce(demand, DemandEventTypes.Registered, guichet.id, now);
    for (const key of keys) await this.controlKeys.add(key, numeroUnique);
    return demand;
  }

  /** Reads a demand; every read of its personal data is written to the audit log. */
  async read(principal: Principal, numeroUnique: string): Promise<RegisteredDemand> {
    const demand = await this.existing(principal, numeroUnique);
    await this.audit.record({
      principal,
      action: 'read-demand',
      numeroUnique,
      at: this.clock.now(),
    });
    const notices = await this.noticeDates.find(numeroUnique);
    if (!notices) return demand;
    return {
      ...demand,
      renewalNotices: {
        ...(notices.simpleSentOn ? { simpleSentOn: notices.simpleSentOn } : {}),
        ...(notices.registeredSentOn ? { registeredSentOn: notices.registeredSentOn } : {}),
      },
    };
  }

  /**
   * Searches the demands of the caller's territory; each demand returned is a read of personal
   * data, audit-logged as such.
   */
  async search(
    principal: Principal,
    search: DemandSearch,
  ): Promise<{ total: number; demands: RegisteredDemand[] }> {
    const result = await this.demands.search(
      searchFilter(search, principal.territory),
      search.page,
      search.pageSize,
    );
    const at = this.clock.now();
    await this.audit.record(
      ...result.demands.map((demand) => ({
        principal,
        action: 'search-demands' as const,
        numeroUnique: demand.numeroUnique,
        at,
      })),
    );
    return result;
  }

  /** Replaces the CERFA data of a demand at the version read (If-Match). */
  async update(
    principal: Principal,
    numeroUnique: string,
    expectedVersion: number,
    body: unknown,
  ): Promise<RegisteredDemand> {
    const today = parisDate(this.clock.now());
    const input = this.validInput(body, today);
    const updated = await this.change(
      principal,
      numeroUnique,
      expectedVersion,
      DemandEventTypes.Updated,
      (current) => {
        if (current.state === 'radiated')
          throw new RuleViolationError('a radiated demand cannot be changed; reactivate it first');
        if (isPersonDemand(current) && isPersonDemand(input))
          accept(
            canChangeNames(actorOf(principal), current.applicant, input.applicant),
            '/applicant/lastName',
          );
        if (this.departmentOf(input) !== current.department) {
          throw new RuleViolationError(
            "the first-choice commune must stay in the demand's department",
            [{ path: '/wishedHousing', message: `department ${current.department} expected` }],
          );
        }
        return { ...recordOf(current), ...input };
      },
    );
    for (const key of this.controlKeysOf(input)) await this.controlKeys.add(key, numeroUnique);
    return updated;
  }

  /** Renews an active demand: the anniversary of the initial deposit is kept. */
  renew(
    principal: Principal,
    numeroUnique: string,
    expectedVersion: number,
  ): Promise<RegisteredDemand> {
    const today = parisDate(this.clock.now());
    return this.change(
      principal,
      numeroUnique,
      expectedVersion,
      DemandEventTypes.Renewed,
      (current) => {
        accept(canRenew(current, actorOf(principal)));
        const anniversaryDate = nextAnniversary(current.depositDate!, today);
        return {
          ...current,
          anniversaryDate,
          renewals: [
            ...current.renewals,
            {
              date: today,
              guichetCode: principal.kind === 'guichet' ? principal.id : current.lastChangedBy,
              online: false,
              nextAnniversaryDate: anniversaryDate,
            },
          ],
        };
      },
    );
  }

  /** Radiates with a motive and its rules (attribution by a landlord, in the territory, …). */
  radiate(
    principal: Principal,
    numeroUnique: string,
    expectedVersion: number | undefined,
    body: unknown,
  ): Promise<RegisteredDemand> {
    const checked = validateRadiationRequest(body);
    if (!checked.ok) {
      throw new InvalidInputError(
        'the radiation request is invalid',
        checked.issues.map((issue) => ({ path: issue.path, message: issue.reason })),
      );
    }
    const today = parisDate(this.clock.now());
    return this.change(
      principal,
      numeroUnique,
      expectedVersion,
      DemandEventTypes.Radiated,
      (current) => {
        const radiation = accept(
          canRadiate(current as never, checked.value, actorOf(principal), today),
        );
        return { ...current, state: 'radiated', radiation };
      },
    );
  }

  /** Reactivates a demand radiated for non-renewal, within 5 months of the radiation. */
  reactivate(
    principal: Principal,
    numeroUnique: string,
    expectedVersion: number,
  ): Promise<RegisteredDemand> {
    const today = parisDate(this.clock.now());
    return this.change(
      principal,
      numeroUnique,
      expectedVersion,
      DemandEventTypes.Reactivated,
      (current) => {
        accept(canReactivate(current, actorOf(principal), today));
        return {
          ...current,
          state: 'active',
          radiation: undefined,
          anniversaryDate: anniversaryAfterReactivation(current.depositDate!, today),
          reactivations: [
            ...current.reactivations,
            { date: today, recordedBy: principal.id, radiation: current.radiation! },
          ],
        };
      },
    );
  }

  /**
   * The renewal-notices app's command: radiate for non-renewal, unless the demand changed since
   * that app saw it (a renewal then cancels the command) or is no longer active.
   */
  async radiateForNonRenewal(numeroUnique: string, expectedVersion: number): Promise<void> {
    const current = await this.demands.find(numeroUnique);
    if (!current || current.version !== expectedVersion || current.state !== 'active') return;
    const today = parisDate(this.clock.now());
    await this.change(
      SYSTEM,
      numeroUnique,
      expectedVersion,
      DemandEventTypes.Radiated,
      (demand) => {
        const radiation = accept(
          canRadiate(demand as never, { motive: 'RADREN', date: today }, { kind: 'system' }, today),
        );
        return { ...demand, state: 'radiated', radiation };
      },
    ).catch((error: unknown) => {
      // Changed meanwhile: the newer version wins, as the command itself says.
      if (!(error instanceof StaleVersionError)) throw error;
    });
  }

  private async change(
    principal: Principal | typeof SYSTEM,
    numeroUnique: string,
    expectedVersion: number | undefined,
    type: DemandEventType,
    apply: (current: RegisteredDemand) => RegisteredDemand,
  ): Promise<RegisteredDemand> {
    const now = this.clock.now();
    const current =
      principal === SYSTEM
        ? await this.demands.find(numeroUnique)
        : await this.existing(principal, numeroUnique);
    if (!current) throw new NotFoundError(`no demand ${numeroUnique}`);
    if (expectedVersion !== undefined && current.version !== expectedVersion) {
      throw new StaleVersionError('the demand was changed since it was read', {
        currentVersion: current.version,
      });
    }
    const guichet = principal !== SYSTEM && principal.kind === 'guichet' ? principal.id : undefined;
    const next: RegisteredDemand = {
      ...apply(current),
      version: current.version + 1,
      lastChangedBy: guichet ?? current.lastChangedBy,
      lastChangedOn: parisDate(now),
    };
    await this.saveAndAnnounce(next, type, guichet, now);
    if (principal !== SYSTEM)
      await this.audit.record({ principal, action: 'update-demand', numeroUnique, at: now });
    return next;
  }

  private async saveAndAnnounce(
    demand: RegisteredDemand,
    type: DemandEventType,
    guichet: string | undefined,
    at: Date,
  ): Promise<void> {
    const event = createEvent({
      type,
      source: EVENT_SOURCE,
      subject: demand.numeroUnique,
      time: at,
      correlationId: currentCorrelationId() ?? `registration-${demand.numeroUnique}`,
      demandVersion: demand.version,
      ...(guichet ? { guichet } : {}),
      data: {
        demand: { ...demand, guichetCode: demand.createdBy, depositDate: demand.depositDate! },
      },
    });
    const revision = await this.demands.save(demand, event, at);
    this.relay.enqueue(revision);
  }

  private async existing(principal: Principal, numeroUnique: string): Promise<RegisteredDemand> {
    const demand = await this.demands.find(numeroUnique);
    if (!demand) throw new NotFoundError(`no demand ${numeroUnique}`);
    accept(canActOnDemand(actorOf(principal), demand));
    return demand;
  }

  private validInput(body: unknown, today: string): DemandInput {
    const checked = validateDemandInput(body, { today });
    if (!checked.ok) {
      throw new InvalidInputError(
        'the demand is invalid',
        checked.issues.map((issue) => ({ path: issue.path, message: issue.reason })),
      );
    }
    return checked.value;
  }

  private departmentOf(input: DemandInput): string {
    const commune = firstChoiceCommune(input.wishedHousing);
    const department = commune ? departmentOfCommune(commune) : undefined;
    if (!department) {
      throw new InvalidInputError('the demand is invalid', [
        { path: '/wishedHousing/communes', message: 'at least one wished commune is needed' },
      ]);
    }
    return department;
  }

  private controlKeysOf(input: DemandInput): string[] {
    if (!isPersonDemand(input)) return [];
    const keys = duplicateKeys(input.applicant);
    const nir = input.applicant.nir ? nirDuplicateKey(input.applicant.nir) : undefined;
    return nir ? [...keys, nir] : keys;
  }

  /** Active demands registered under any of the keys. */
  private async activeHolders(keys: readonly string[]): Promise<string[]> {
    const numbers = new Set<string>();
    for (const key of keys)
      for (const numero of await this.controlKeys.holders(key)) numbers.add(numero);
    const active: string[] = [];
    for (const numero of numbers) {
      const demand = await this.demands.find(numero);
      if (demand?.state === 'active' || demand?.state === 'awaiting-validation')
        active.push(numero);
    }
    return active.sort();
  }
}

/** What the register keeps about a demand besides its CERFA data (which an update replaces). */
const RECORD_FIELDS = [
  'numeroUnique',
  'state',
  'version',
  'department',
  'depositDate',
  'anniversaryDate',
  'renewals',
  'radiation',
  'reactivations',
  'createdBy',
  'validatedBy',
  'lastChangedBy',
  'lastChangedOn',
  'createdOnline',
  'renewedOnline',
  'seniorityOrigin',
  'dalo',
  'renewalNotices',
] as const satisfies ReadonlyArray<keyof RegisteredDemand>;

function recordOf(demand: RegisteredDemand) {
  return Object.fromEntries(
    RECORD_FIELDS.filter((field) => demand[field] !== undefined).map((field) => [
      field,
      demand[field],
    ]),
  ) as Pick<RegisteredDemand, (typeof RECORD_FIELDS)[number]> & { numeroUnique: string };
}
