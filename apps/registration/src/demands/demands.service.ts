import { Inject, Injectable } from '@nestjs/common';
import type { Caller, GuichetPrincipal, Principal } from '@sne/auth';
import { createEvent, type DemandEventType, DemandEventTypes } from '@sne/contracts';
import {
  anniversaryAfterReactivation,
  canActOnDemand,
  canChangeNames,
  canRecordProcessingEvent,
  canRadiate,
  canReactivate,
  canRenew,
  departmentOfCommune,
  type DemandInput,
  type DemandRecord,
  duplicateKeys,
  firstAnniversary,
  firstChoiceCommune,
  isMemberOfCouple,
  isPersonDemand,
  nextAnniversary,
  nirDuplicateKey,
  parisDate,
  type ProcessingEvent,
  type ProcessingEventInput,
  processingEventInputSchema,
  type Refusal,
  separatedPartnerSeniority,
  validateBySchema,
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
import { AuditLog } from '@sne/audit';
import { NoticeDatesRepository } from '../notices/notice-dates';
import { DemandOutbox } from './demand-outbox';
import { demandRef, EmailIndex } from './email-index';
import { ControlKeyIndex } from './control-key.index';
import { type DemandSearch, searchFilter } from './demand-search';
import { DemandRepository, type RegisteredDemand } from './demand.repository';
import { DuplicateForcings } from './duplicate-forcings';
import { NumeroAllocator } from './numero-allocator';

export const EVENT_SOURCE = 'sne://registration';
/** The public portal's guichet code (a setting). */
export const PORTAL_GUICHET = Symbol('PORTAL_GUICHET');

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
export function accept<T>(
  decision:
    { ok: true; value?: T } | (Pick<Refusal, 'ok' | 'message'> & { code: string; path?: string }),
  path = '',
): T {
  if (decision.ok) return decision.value as T;
  if (decision.code === 'outside-territory')
    throw new ForbiddenError(decision.message, { code: decision.code });
  throw new RuleViolationError(decision.message, [
    { path: decision.path ?? path, message: decision.code },
  ]);
}

/** The 400 of a body the domain's validation refused, every issue with its JSON pointer. */
export function refuseInvalid(
  what: string,
  checked: { ok: false; issues: ReadonlyArray<{ path: string; reason: string }> },
): never {
  throw new InvalidInputError(
    `the ${what} is invalid`,
    checked.issues.map((issue) => ({ path: issue.path, message: issue.reason })),
  );
}

/** How a demand comes to be registered, besides its CERFA data. */
export interface RegistrationPath {
  /** The guichet acting: its territory is checked, a forcing is recorded against it. */
  readonly guichet: GuichetPrincipal;
  readonly forceDuplicate: boolean;
  readonly type: DemandEventType;
  /** The code in the numéro and in `createdBy` (the portal's for a portal demand). */
  readonly createdBy?: string;
  /** Fields of the record set by the path (seniority kept, validation, online creation). */
  readonly record?: Partial<DemandRecord>;
  /** Demands that are not duplicates of this one (the couple's demand after a separation). */
  readonly notDuplicates?: readonly string[];
  /** A numéro already taken for this demand (a registration resumed after a crash). */
  readonly numeroUnique?: string;
  /** Called with the numéro once taken, before the demand is written. */
  readonly beforeSave?: (numeroUnique: string) => Promise<void>;
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
    private readonly relay: DemandOutbox,
    private readonly audit: AuditLog,
    private readonly noticeDates: NoticeDatesRepository,
    private readonly emails: EmailIndex,
    private readonly clock: Clock,
    @Inject(PORTAL_GUICHET) readonly portalGuichet: string,
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
    const input = this.validInput(body, parisDate(this.clock.now()));
    return this.registerValid(input, {
      guichet,
      forceDuplicate: options.forceDuplicate,
      type: DemandEventTypes.Registered,
    });
  }

  /**
   * The registration every path shares (a guichet's, a draft's, a portal demand's validation, a
   * separated partner's): territory, duplicates (409 unless forced, a forcing recorded), numéro,
   * then revision 1 with its event, then the look-up keys.
   */
  async registerValid(input: DemandInput, path: RegistrationPath): Promise<RegisteredDemand> {
    const { guichet } = path;
    const now = this.clock.now();
    const today = parisDate(now);
    const department = this.departmentOf(input);
    accept(canActOnDemand(actorOf(guichet), { department }));

    const keys = this.controlKeysOf(input);
    const duplicates = (await this.activeHolders(keys)).filter(
      (numero) => !path.notDuplicates?.includes(numero) && numero !== path.numeroUnique,
    );
    if (duplicates.length > 0 && !path.forceDuplicate) {
      throw new ConflictError('an active demand of the same person exists', {
        code: 'duplicate',
        duplicates,
        hint: 'register anyway with ?forceDuplicate=true; the forcing is recorded',
      });
    }
    const createdBy = path.createdBy ?? guichet.id;
    const numeroUnique =
      path.numeroUnique ??
      (await this.numeros.allocate(department, new Date(`${today}T00:00:00Z`), createdBy, now));
    await path.beforeSave?.(numeroUnique);
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
      createdBy,
      lastChangedBy: guichet.id,
      lastChangedOn: today,
      createdOnline: false,
      renewedOnline: false,
      ...path.record,
    };
    await this.saveAndAnnounce(demand, path.type, guichet.id, now);
    for (const key of keys) await this.controlKeys.add(key, numeroUnique);
    if (input.contact.email) await this.emails.add(input.contact.email, demandRef(numeroUnique));
    return demand;
  }

  /** A demand as it stands, or undefined (no territory check: the caller's business). */
  find(numeroUnique: string): Promise<RegisteredDemand | undefined> {
    return this.demands.find(numeroUnique);
  }

  /**
   * The new demand of a member of a separated married or PACS couple: it keeps the deposit date
   * of the couple's demand (and its anniversary), which stays active for the other partner.
   */
  async registerSeparatedPartner(
    guichet: GuichetPrincipal,
    coupleNumero: string,
    body: unknown,
    options: { forceDuplicate: boolean },
  ): Promise<RegisteredDemand> {
    const today = parisDate(this.clock.now());
    const couple = await this.existing(guichet, coupleNumero);
    const input = this.validInput(body, today);
    if (!isPersonDemand(input))
      throw new RuleViolationError('an association is not a member of a couple', [
        { path: '/applicant/kind', message: 'not-a-member-of-the-couple' },
      ]);
    const seniority = accept(separatedPartnerSeniority(couple, today));
    if (!isMemberOfCouple(couple, input.applicant)) {
      throw new RuleViolationError(
        "the applicant is neither the applicant nor the co-applicant of the couple's demand",
        [{ path: '/applicant', message: 'not-a-member-of-the-couple' }],
      );
    }
    return this.registerValid(input, {
      guichet,
      forceDuplicate: options.forceDuplicate,
      type: DemandEventTypes.Registered,
      notDuplicates: [coupleNumero],
      record: seniority,
    });
  }

  /** Reads a demand; every read of its personal data is written to the audit log. */
  async read(principal: Caller, numeroUnique: string): Promise<RegisteredDemand> {
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
    channel: 'api' | 'csv' = 'api',
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
        channel,
        numeroUnique: demand.numeroUnique,
        at,
      })),
    );
    return result;
  }

  /**
   * Replaces the CERFA data of a demand at the version read (If-Match). The applicant, on the
   * portal, keeps the address of the account as contact email (the demand would be lost to them).
   */
  async update(
    principal: Caller,
    numeroUnique: string,
    expectedVersion: number,
    body: unknown,
  ): Promise<RegisteredDemand> {
    const today = parisDate(this.clock.now());
    const input = this.validInput(body, today);
    if (principal.kind === 'applicant' && input.contact.email?.toLowerCase() !== principal.email) {
      throw new InvalidInputError('the demand is invalid', [
        { path: '/contact/email', message: 'must stay the address of your portal account' },
      ]);
    }
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
            canChangeNames(this.actor(principal), current.applicant, input.applicant),
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
    if (input.contact.email) await this.emails.add(input.contact.email, demandRef(numeroUnique));
    return updated;
  }

  /**
   * Renews an active demand: the anniversary of the initial deposit is kept. Through the portal
   * the renewal is online, and the demand is marked renewed online for good.
   */
  renew(
    principal: Caller,
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
        accept(canRenew(current, this.actor(principal)));
        const anniversaryDate = nextAnniversary(current.depositDate!, today);
        const online = principal.kind === 'applicant';
        return {
          ...current,
          anniversaryDate,
          renewedOnline: current.renewedOnline || online,
          renewals: [
            ...current.renewals,
            {
              date: today,
              guichetCode: online
                ? this.portalGuichet
                : principal.kind === 'guichet'
                  ? principal.id
                  : current.lastChangedBy,
              online,
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

  /** Records a shared-management event (CAL, visit, refusal, lease...) on the demand. */
  async recordProcessingEvent(
    principal: Principal,
    numeroUnique: string,
    expectedVersion: number,
    body: unknown,
  ): Promise<{ demand: RegisteredDemand; event: ProcessingEvent }> {
    const checked = validateBySchema<ProcessingEventInput>(processingEventInputSchema, body);
    if (!checked.ok) refuseInvalid('processing event', checked);
    const today = parisDate(this.clock.now());
    let recorded: ProcessingEvent | undefined;
    const demand = await this.change(
      principal,
      numeroUnique,
      expectedVersion,
      DemandEventTypes.ProcessingEventRecorded,
      (current) => {
        recorded = accept(
          canRecordProcessingEvent(
            current,
            checked.value,
            actorOf(principal),
            today,
            String(current.version + 1),
          ),
        );
        return { ...current, processingEvents: [...(current.processingEvents ?? []), recorded] };
      },
    );
    return { demand, event: recorded! };
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
    principal: Caller | typeof SYSTEM,
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
    const guichet =
      principal === SYSTEM || principal.kind === 'operator'
        ? undefined
        : principal.kind === 'applicant'
          ? this.portalGuichet
          : principal.id;
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

  /**
   * The demand, if the caller may act on it: in the territory of a guichet or an operator; for
   * an applicant, carrying the address the portal verified (otherwise it does not exist for them).
   */
  private async existing(principal: Caller, numeroUnique: string): Promise<RegisteredDemand> {
    const demand = await this.demands.find(numeroUnique);
    if (!demand) throw new NotFoundError(`no demand ${numeroUnique}`);
    if (principal.kind === 'applicant') {
      if (demand.contact.email?.toLowerCase() !== principal.email)
        throw new NotFoundError(`no demand ${numeroUnique}`);
      return demand;
    }
    accept(canActOnDemand(actorOf(principal), demand));
    return demand;
  }

  /** The portal acts as one more guichet, national. */
  private actor(principal: Caller) {
    if (principal.kind !== 'applicant') return actorOf(principal);
    return {
      kind: 'guichet' as const,
      guichetCode: this.portalGuichet,
      guichetType: 'other' as const,
      territory: 'national' as const,
    };
  }

  validInput(body: unknown, today: string): DemandInput {
    const checked = validateDemandInput(body, { today });
    if (!checked.ok) refuseInvalid('demand', checked);
    return checked.value;
  }

  departmentOf(input: DemandInput): string {
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
  'identityVerification',
  'processingEvents',
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
