import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { MetricsService } from '@sne/platform';
import type { Counter, Gauge } from 'prom-client';
import { GuichetRepository } from '../guichets/guichet.repository';
import {
  GuichetMachineClients,
  MACHINE_CLIENT_SETTINGS,
  type MachineClientSettings,
} from './guichet-machine-clients';
import { planMachineClients } from './machine-client-reconciliation';

export interface MachineClientReport {
  readonly revoked: readonly string[];
  /** Revocations that failed (the provider down): tried again at the next run. */
  readonly failed: readonly string[];
  readonly withoutClient: readonly string[];
}

/**
 * Brings the provider's guichet clients back to the stored guichets, at start and every
 * `MACHINE_CLIENT_RECONCILE_SECONDS`: revokes what a retirement cut short or a guichet removed
 * behind the dispatcher's back left, and reports guichets in service without a client (their
 * managers make it with the credentials route: a secret made here would be seen by nobody).
 *
 * No lease: every instance may run it at once. Each action is idempotent (a client already
 * deleted at the provider is accepted, the registration's removal is by id), so two instances
 * revoking the same client both succeed.
 */
@Injectable()
export class MachineClientReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MachineClientReconciler.name);
  private readonly revocations: Counter<'outcome'>;
  private readonly withoutClient: Gauge;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MachineClientReport> | undefined;

  constructor(
    @Inject(MACHINE_CLIENT_SETTINGS) private readonly settings: MachineClientSettings,
    private readonly clients: GuichetMachineClients,
    private readonly guichets: GuichetRepository,
    metrics: MetricsService,
  ) {
    this.revocations = metrics.counter(
      'sne_machine_client_reconcile_revocations_total',
      'Guichet clients revoked by the reconciliation (retired or removed guichets), by outcome',
      ['outcome'],
    );
    this.withoutClient = metrics.gauge(
      'sne_guichets_without_machine_client',
      'Guichets in service with no client at the identity provider, at the last reconciliation',
    );
  }

  onApplicationBootstrap(): void {
    if (!this.clients.enabled || this.settings.reconcileSeconds <= 0) return;
    // Not awaited: a provider down at start delays nothing, the next run tries again.
    setImmediate(() => void this.runLogged());
    this.timer = setInterval(() => {
      if (!this.running) void this.runLogged();
    }, this.settings.reconcileSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One run, started after the one under way (so it reads what was written before the call). */
  run(): Promise<MachineClientReport> {
    const next = (this.running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.reconcile());
    this.running = next;
    next
      .finally(() => {
        if (this.running === next) this.running = undefined;
      })
      .catch(() => undefined);
    return next;
  }

  private async runLogged(): Promise<void> {
    try {
      await this.run();
    } catch (error) {
      this.logger.warn({
        msg: 'guichet machine clients not reconciled',
        reason: (error as Error).message,
      });
    }
  }

  private async reconcile(): Promise<MachineClientReport> {
    // Registrations first: a client is registered only after its guichet is stored, so every
    // registration read here has its guichet in the later read (none revoked for being new).
    const registrations = await this.clients.list();
    const plan = planMachineClients(await this.guichets.list(), registrations);
    const revoked: string[] = [];
    const failed: string[] = [];
    for (const code of plan.revoke) {
      try {
        await this.clients.revoke(code);
        revoked.push(code);
        this.revocations.inc({ outcome: 'revoked' });
      } catch (error) {
        failed.push(code);
        this.revocations.inc({ outcome: 'failed' });
        this.logger.warn({
          msg: 'guichet machine client not revoked',
          guichet: code,
          reason: (error as Error).message,
        });
      }
    }
    this.withoutClient.set(plan.withoutClient.length);
    const report = { revoked, failed, withoutClient: plan.withoutClient };
    this.logger.log({
      msg: 'guichet machine clients reconciled',
      registered: registrations.length,
      revoked: revoked.length,
      failed: failed.length,
      withoutClient: plan.withoutClient.length,
      ...(plan.withoutClient.length > 0
        ? { guichetsWithoutClient: plan.withoutClient.slice(0, 20) }
        : {}),
    });
    return report;
  }
}
