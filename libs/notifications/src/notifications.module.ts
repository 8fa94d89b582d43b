import {
  type DynamicModule,
  Module,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ReadinessRegistry } from '@sne/platform';
import { MailSender, type MailSettings } from './mail-sender';
import { SmsSender, type SmsSettings } from './sms-sender';

export interface NotificationEnv {
  readonly SMTP_URL: string;
  readonly SMTP_FROM: string;
  readonly SMTP_POOL_SIZE: number;
  readonly SMPP_URL: string;
  readonly SMPP_SYSTEM_ID: string;
  readonly SMPP_PASSWORD: string;
  readonly SMPP_SENDER: string;
}

export function mailSettingsFrom(
  env: Pick<NotificationEnv, 'SMTP_URL' | 'SMTP_FROM' | 'SMTP_POOL_SIZE'>,
): MailSettings {
  return { url: env.SMTP_URL, from: env.SMTP_FROM, poolSize: env.SMTP_POOL_SIZE };
}

export function smsSettingsFrom(
  env: Pick<NotificationEnv, 'SMPP_URL' | 'SMPP_SYSTEM_ID' | 'SMPP_PASSWORD' | 'SMPP_SENDER'>,
): SmsSettings {
  return {
    url: env.SMPP_URL,
    systemId: env.SMPP_SYSTEM_ID,
    password: env.SMPP_PASSWORD,
    sender: env.SMPP_SENDER,
  };
}

@Module({})
export class MailModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly sender: MailSender,
    private readonly readiness: ReadinessRegistry,
  ) {}

  static forRoot(settings: MailSettings): DynamicModule {
    return {
      module: MailModule,
      providers: [{ provide: MailSender, useFactory: () => new MailSender(settings) }],
      exports: [MailSender],
    };
  }

  onModuleInit(): void {
    this.readiness.register({ name: 'smtp', check: () => this.sender.verify() });
  }

  onModuleDestroy(): void {
    this.sender.close();
  }
}

@Module({})
export class SmsModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly sender: SmsSender,
    private readonly readiness: ReadinessRegistry,
  ) {}

  static forRoot(settings: SmsSettings): DynamicModule {
    return {
      module: SmsModule,
      providers: [{ provide: SmsSender, useFactory: () => new SmsSender(settings) }],
      exports: [SmsSender],
    };
  }

  onModuleInit(): void {
    this.readiness.register({ name: 'smpp', check: () => this.sender.verify() });
  }

  async onModuleDestroy(): Promise<void> {
    await this.sender.close();
  }
}
