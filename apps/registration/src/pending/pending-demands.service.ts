import { Injectable } from '@nestjs/common';
import type { ApplicantPrincipal, GuichetPrincipal, Principal } from '@sne/auth';
import { DemandEventTypes } from '@sne/contracts';
import {
  canActOnDemand,
  checkIdentity,
  departmentOfCommune,
  type DemandInput,
  type DraftDemandInput,
  type IdentityCheck,
  isPersonDemand,
  parisDate,
  portalValidationSchema,
  validateBySchema,
  validateDraftDemandInput,
} from '@sne/domain';
import {
  Clock,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  StaleVersionError,
} from '@sne/platform';
import { randomUUID } from 'node:crypto';
import { AuditLog } from '@sne/audit';
import type { RegisteredDemand } from '../demands/demand.repository';
import {
  accept,
  DemandsService,
  type RegistrationPath,
  refuseInvalid,
} from '../demands/demands.service';
import { demandRef, EmailIndex, emailKey, pendingRef } from '../demands/email-index';
import { type PendingDemand, PendingDemandRepository } from './pending-demand.repository';

/** The department of a draft's first-choice commune, once it names one. */
function draftDepartment(input: DraftDemandInput): string | undefined {
  const wished = input.wishedHousing;
  const commune = wished?.firstChoiceCommune ?? wished?.communes?.[0];
  return commune ? departmentOfCommune(commune) : undefined;
}

const territoryActor = (principal: Principal) => ({
  kind: 'territorial-manager' as const,
  territory: principal.territory === 'all' ? ('national' as const) : principal.territory,
});

/**
 * Demands before their numéro: a guichet's drafts (saved incomplete, resumed, then submitted
 * with every check of a registration) and the portal's demands (created by the applicant,
 * awaiting a guichet's identity check, then validated and numbered).
 *
 * Becoming a demand is three writes, each safe to repeat: the pending demand takes its numéro
 * (`registering`, at the version read, so two submissions cannot both pass), the demand is
 * written as version 1 with its event, the pending demand is marked `registered`. A submission
 * that finds `registering` (a crash in between) finishes with the same numéro.
 */
@Injectable()
export class PendingDemandsService {
  constructor(
    private readonly pending: PendingDemandRepository,
    private readonly demands: DemandsService,
    private readonly emails: EmailIndex,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Drafts

  async saveDraft(guichet: GuichetPrincipal, body: unknown): Promise<PendingDemand> {
    const now = this.clock.now();
    const input = this.validDraft(body, parisDate(now));
    const department = this.draftTerritory(guichet, input);
    const draft: PendingDemand = {
      id: randomUUID(),
      origin: 'draft',
      state: 'draft',
      version: 1,
      input,
      createdBy: guichet.id,
      ...(department ? { department } : {}),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await this.pending.create(draft);
    return draft;
  }

  async readDraft(guichet: Principal, id: string): Promise<PendingDemand> {
    const draft = await this.ownDraft(guichet, id);
    await this.audit.record({
      principal: guichet,
      action: 'read-pending-demand',
      numeroUnique: pendingRef(id),
      at: this.clock.now(),
    });
    return draft;
  }

  async replaceDraft(
    guichet: Principal,
    id: string,
    expectedVersion: number,
    body: unknown,
  ): Promise<PendingDemand> {
    const now = this.clock.now();
    const draft = await this.ownDraft(guichet, id);
    this.refuseRegistered(draft);
    if (draft.state === 'registering')
      throw new ConflictError('the draft is being registered', { code: 'being-registered' });
    this.atVersion(draft, expectedVersion);
    const input = this.validDraft(body, parisDate(now));
    const department = this.draftTerritory(guichet as GuichetPrincipal, input);
    const changed = await this.pending.change(
      id,
      expectedVersion,
      { input, updatedAt: now.toISOString(), ...(department ? { department } : {}) },
      department ? [] : ['department'],
    );
    await this.audit.record({
      principal: guichet,
      action: 'update-pending-demand',
      numeroUnique: pendingRef(id),
      at: now,
    });
    return changed;
  }

  /** Registers the draft with every check of a registration; the draft keeps the numéro. */
  async submitDraft(
    guichet: GuichetPrincipal,
    id: string,
    expectedVersion: number,
    options: { forceDuplicate: boolean },
  ): Promise<RegisteredDemand> {
    const draft = await this.ownDraft(guichet, id);
    this.refuseRegistered(draft);
    this.atVersion(draft, expectedVersion);
    const input = this.demands.validInput(draft.input, parisDate(this.clock.now()));
    return this.promote(draft, input, {
      guichet,
      forceDuplicate: options.forceDuplicate,
      type: DemandEventTypes.Registered,
    });
  }

  // -------------------------------------------------------------------------------------------
  // The portal, applicant's side

  /** A complete demand of a person, filed with the address the portal verified. */
  async createOnPortal(applicant: ApplicantPrincipal, body: unknown): Promise<PendingDemand> {
    const now = this.clock.now();
    const input = this.demands.validInput(body, parisDate(now));
    if (!isPersonDemand(input)) {
      throw new InvalidInputError('the demand is invalid', [
        { path: '/applicant/kind', message: 'the portal files demands of persons only' },
      ]);
    }
    if (emailKey(input.contact.email ?? '') !== applicant.email) {
      throw new InvalidInputError('the demand is invalid', [
        {
          path: '/contact/email',
          message: 'must be the address of your portal account: the guichet finds the demand by it',
        },
      ]);
    }
    const pending: PendingDemand = {
      id: randomUUID(),
      origin: 'portal',
      state: 'awaiting-validation',
      version: 1,
      input,
      createdBy: this.demands.portalGuichet,
      email: applicant.email,
      department: this.demands.departmentOf(input),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await this.pending.create(pending);
    await this.emails.add(applicant.email, pendingRef(pending.id));
    return pending;
  }

  /** The applicant's demands: those awaiting validation, and those registered. */
  async ownDemands(
    applicant: ApplicantPrincipal,
  ): Promise<{ awaitingValidation: PendingDemand[]; demands: RegisteredDemand[] }> {
    const awaitingValidation: PendingDemand[] = [];
    const demands: RegisteredDemand[] = [];
    for (const ref of new Set(await this.emails.refs(applicant.email))) {
      const [kind, id] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
      if (kind === 'pending') {
        const found = await this.pending.find(id);
        if (found?.state === 'awaiting-validation' && found.email === applicant.email)
          awaitingValidation.push(found);
      } else if (kind === 'demand') {
        const found = await this.demands.find(id);
        if (found && emailKey(found.contact.email ?? '') === applicant.email) demands.push(found);
      }
    }
    const at = this.clock.now();
    await this.audit.record(
      ...demands.map((demand) => ({
        principal: applicant,
        action: 'read-demand' as const,
        numeroUnique: demand.numeroUnique,
        at,
      })),
    );
    return { awaitingValidation, demands };
  }

  // -------------------------------------------------------------------------------------------
  // The portal, guichet's side

  /** The portal demands awaiting validation filed with this address, in the caller's territory. */
  async findAwaitingValidation(principal: Principal, email: string): Promise<PendingDemand[]> {
    const found: PendingDemand[] = [];
    for (const ref of await this.emails.refs(email)) {
      if (!ref.startsWith('pending:')) continue;
      const pending = await this.pending.find(ref.slice('pending:'.length));
      if (
        pending?.state === 'awaiting-validation' &&
        pending.email === emailKey(email) &&
        pending.department &&
        canActOnDemand(territoryActor(principal), { department: pending.department }).ok
      )
        found.push(pending);
    }
    const at = this.clock.now();
    await this.audit.record(
      ...found.map((pending) => ({
        principal,
        action: 'read-pending-demand' as const,
        numeroUnique: pendingRef(pending.id),
        at,
      })),
    );
    return found;
  }

  async readPortalDemand(principal: Principal, id: string): Promise<PendingDemand> {
    const pending = await this.portalDemand(principal, id);
    await this.audit.record({
      principal,
      action: 'read-pending-demand',
      numeroUnique: pendingRef(id),
      at: this.clock.now(),
    });
    return pending;
  }

  /**
   * Validates a portal demand after the identity check: the document must match the names and
   * birth date entered (422 naming the field otherwise); then the duplicate check and the numéro,
   * announced as `validated`.
   */
  async validate(
    guichet: GuichetPrincipal,
    id: string,
    expectedVersion: number,
    body: unknown,
    options: { forceDuplicate: boolean },
  ): Promise<RegisteredDemand> {
    const checked = validateBySchema<{ identity: IdentityCheck }>(portalValidationSchema, body);
    if (!checked.ok) refuseInvalid('validation', checked);
    const pending = await this.portalDemand(guichet, id);
    this.refuseRegistered(pending);
    this.atVersion(pending, expectedVersion);
    const today = parisDate(this.clock.now());
    const input = this.demands.validInput(pending.input, today);
    if (!isPersonDemand(input)) throw new Error('a portal demand is a person’s');
    const identityVerification = accept(
      checkIdentity(input.applicant, checked.value.identity, today, guichet.id),
    );
    return this.promote(pending, input, {
      guichet,
      forceDuplicate: options.forceDuplicate,
      type: DemandEventTypes.Validated,
      createdBy: this.demands.portalGuichet,
      record: {
        createdOnline: true,
        validatedBy: guichet.id,
        identityVerification,
      },
    });
  }

  // -------------------------------------------------------------------------------------------

  /** Pending → registering (numéro taken, at the version read) → demand written → registered. */
  private async promote(
    pending: PendingDemand,
    input: DemandInput,
    path: Omit<RegistrationPath, 'numeroUnique' | 'beforeSave'>,
  ): Promise<RegisteredDemand> {
    const resumed = pending.state === 'registering' ? pending.numeroUnique : undefined;
    if (resumed) {
      const written = await this.demands.find(resumed);
      if (written) {
        await this.markRegistered(pending.id, pending.version, resumed);
        return written;
      }
    }
    let version = pending.version;
    const demand = await this.demands.registerValid(input, {
      ...path,
      ...(resumed ? { numeroUnique: resumed } : {}),
      beforeSave: async (numeroUnique) => {
        if (resumed) return;
        const taken = await this.pending.change(pending.id, version, {
          state: 'registering',
          numeroUnique,
          updatedAt: this.clock.now().toISOString(),
        });
        version = taken.version;
      },
    });
    await this.markRegistered(pending.id, version, demand.numeroUnique);
    if (pending.email) await this.emails.add(pending.email, demandRef(demand.numeroUnique));
    return demand;
  }

  private async markRegistered(id: string, version: number, numeroUnique: string): Promise<void> {
    await this.pending.change(id, version, {
      state: 'registered',
      numeroUnique,
      updatedAt: this.clock.now().toISOString(),
    });
  }

  private validDraft(body: unknown, today: string): DraftDemandInput {
    const checked = validateDraftDemandInput(body, { today });
    if (!checked.ok) refuseInvalid('draft', checked);
    return checked.value;
  }

  /** A draft names a commune of the guichet's territory, or none yet. */
  private draftTerritory(guichet: GuichetPrincipal, input: DraftDemandInput): string | undefined {
    const department = draftDepartment(input);
    if (department) accept(canActOnDemand(territoryActor(guichet), { department }));
    return department;
  }

  /** A draft is its guichet's own: for anyone else it does not exist. */
  private async ownDraft(principal: Principal, id: string): Promise<PendingDemand> {
    if (principal.kind !== 'guichet') throw new ForbiddenError('drafts are a guichet’s');
    const draft = await this.pending.find(id);
    if (!draft || draft.origin !== 'draft' || draft.createdBy !== principal.id)
      throw new NotFoundError(`no draft ${id}`);
    return draft;
  }

  private async portalDemand(principal: Principal, id: string): Promise<PendingDemand> {
    const pending = await this.pending.find(id);
    if (!pending || pending.origin !== 'portal') throw new NotFoundError(`no portal demand ${id}`);
    accept(canActOnDemand(territoryActor(principal), { department: pending.department! }));
    return pending;
  }

  private refuseRegistered(pending: PendingDemand): void {
    if (pending.state === 'registered') {
      throw new ConflictError('already registered', {
        code: 'already-registered',
        numeroUnique: pending.numeroUnique,
      });
    }
  }

  private atVersion(pending: PendingDemand, expectedVersion: number): void {
    if (pending.version !== expectedVersion) {
      throw new StaleVersionError('the demand was changed since it was read', {
        currentVersion: pending.version,
      });
    }
  }
}
