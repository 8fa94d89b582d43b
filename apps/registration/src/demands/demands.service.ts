import { Injectable } from '@nestjs/common';
import type { GuichetPrincipal, Principal } from '@sne/auth';
import { createEvent, type DemandEventType, DemandEventTypes } from '@sne/contracts';
import {
  canActOnDemand,
  canChangeNames,
  departmentOfCommune,
  type DemandInput,
  duplicateKeys,
  firstAnniversary,
  firstChoiceCommune,
  isPersonDemand,
  nirDuplicateKey,
  parisDate,
  validateDemandInput,
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
import { OutboxRelay } from '../outbox/outbox-relay';
import { ControlKeyIndex } from './control-key.index';
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
    };
  }
  return {
    kind: 'territorial-manager' as const,
    territory: principal.territory === 'all' ? ('national' as const) : principal.territory,
  };
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
    const territory = canActOnDemand(actorOf(guichet), { department });
    if (!territory.ok) throw new ForbiddenError(territory.message, { code: territory.code });

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
    return demand;
  }

  /** Replaces the CERFA data of a demand at the version read (If-Match). */
  async update(
    principal: Principal,
    numeroUnique: string,
    expectedVersion: number,
    body: unknown,
  ): Promise<RegisteredDemand> {
    const now = this.clock.now();
    const today = parisDate(now);
    const current = await this.existing(principal, numeroUnique);
    if (current.version !== expectedVersion) {
      throw new StaleVersionError('the demand was changed since it was read', {
        currentVersion: current.version,
      });
    }
    if (current.state === 'radiated')
      throw new RuleViolationError('a radiated demand cannot be changed; reactivate it first');
    const input = this.validInput(body, today);
    if (isPersonDemand(current) && isPersonDemand(input)) {
      const names = canChangeNames(actorOf(principal), current.applicant, input.applicant);
      if (!names.ok)
        throw new RuleViolationError(names.message, [
          { path: '/applicant/lastName', message: names.message },
        ]);
    }
    const department = this.departmentOf(input);
    if (department !== current.department) {
      throw new RuleViolationError(
        "the first-choice commune must stay in the demand's department",
        [{ path: '/wishedHousing', message: `department ${current.department} expected` }],
      );
    }
    const editor = principal.kind === 'guichet' ? principal.id : current.lastChangedBy;
    const demand: RegisteredDemand = {
      ...recordOf(current),
      ...input,
      version: current.version + 1,
      lastChangedBy: editor,
      lastChangedOn: today,
    };
    await this.saveAndAnnounce(
      demand,
      DemandEventTypes.Updated,
      principal.kind === 'guichet' ? principal.id : undefined,
      now,
    );
    for (const key of this.controlKeysOf(input)) await this.controlKeys.add(key, numeroUnique);
    await this.audit.record({ principal, action: 'update-demand', numeroUnique, at: now });
    return demand;
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
    const territory = canActOnDemand(actorOf(principal), demand);
    if (!territory.ok) throw new ForbiddenError(territory.message, { code: territory.code });
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
