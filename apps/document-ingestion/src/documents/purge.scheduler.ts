import {
  Controller,
  HttpCode,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@sne/auth';
import { DocumentsService } from './documents.service';

export const PURGE_SWEEP_MS = Symbol('PURGE_SWEEP_MS');

/** Purges, now and then, the files of documents quarantined longer than the retention. */
@Injectable()
export class PurgeScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PurgeScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly documents: DocumentsService,
    @Inject(PURGE_SWEEP_MS) private readonly sweepMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run().catch(() => undefined), this.sweepMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One purge at a time in this process; another instance's overlap is settled by versions. */
  run(): Promise<number> {
    this.running ??= this.documents
      .purge()
      .then((purged) => {
        if (purged > 0) this.logger.log({ msg: 'quarantined documents purged', purged });
        return purged;
      })
      .catch((error: unknown) => {
        this.logger.warn({ msg: 'purge failed', reason: (error as Error).message });
        throw error;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('operations')
export class PurgeController {
  constructor(private readonly scheduler: PurgeScheduler) {}

  @Post('purge')
  @HttpCode(200)
  @Roles('national-admin')
  @ApiOperation({
    summary:
      'Purge now the files of documents quarantined longer than the retention (national admin)',
  })
  async purge(): Promise<{ purged: number }> {
    return { purged: await this.scheduler.run() };
  }
}
