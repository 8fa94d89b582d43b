import { Inject, Injectable } from '@nestjs/common';
import type { ConsoleConfig } from './config';

export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');

export interface AppStatus {
  readonly app: string;
  readonly url: string;
  readonly ready: boolean;
  /** Each dependency of the app and its state, as its readiness endpoint reports them. */
  readonly dependencies: Record<string, { status: string; message?: string }>;
  readonly error?: string;
}

/** Reads the readiness of every app of the platform through their HTTP endpoints. */
@Injectable()
export class PlatformStatusService {
  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  async appStatuses(): Promise<AppStatus[]> {
    const apps: Array<[string, string]> = [
      ['registration', this.config.REGISTRATION_URL],
      ['dispatching', this.config.DISPATCHING_URL],
      ['renewal-notices', this.config.RENEWAL_NOTICES_URL],
      ['document-ingestion', this.config.DOCUMENT_INGESTION_URL],
    ];
    return Promise.all(apps.map(([app, url]) => this.readiness(app, url)));
  }

  private async readiness(app: string, url: string): Promise<AppStatus> {
    try {
      const response = await fetch(new URL('/health/ready', url), {
        signal: AbortSignal.timeout(4_000),
      });
      const body = (await response.json()) as {
        info?: Record<string, { status: string; message?: string }>;
        error?: Record<string, { status: string; message?: string }>;
      };
      return {
        app,
        url,
        ready: response.ok,
        dependencies: { ...(body.info ?? {}), ...(body.error ?? {}) },
      };
    } catch (error) {
      return { app, url, ready: false, dependencies: {}, error: (error as Error).message };
    }
  }
}
