import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type RadiateForNonRenewalData, RegistrationCommandTypes, Topics } from '@sne/contracts';
import { EventConsumerFactory, type RunningConsumer } from '@sne/kafka';
import { DemandsService } from './demands.service';

export const RADIATION_COMMANDS_GROUP = 'sne.registration.commands';

/** The renewal-notices app's radiate-for-non-renewal commands; invalid ones are dead-lettered. */
@Injectable()
export class RadiationCommandsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: RunningConsumer | undefined;

  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly demands: DemandsService,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = this.consumers.start({
      groupId: RADIATION_COMMANDS_GROUP,
      topics: [Topics.RegistrationCommands],
      handle: async (command) => {
        if (command.type !== RegistrationCommandTypes.RadiateForNonRenewal) return;
        const data = command.data as RadiateForNonRenewalData;
        await this.demands.radiateForNonRenewal(data.numeroUnique, data.expectedVersion);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }
}
