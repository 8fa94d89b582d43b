import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ReadinessRegistry } from '@sne/platform';
import { type Connection, createConnection } from 'mongoose';

export interface MongoSettings {
  readonly uri: string;
  /** Each app owns its own database; no app reads another app's collections. */
  readonly database: string;
}

export interface MongoEnv {
  readonly MONGODB_URI: string;
  readonly MONGODB_DATABASE: string;
}

export function mongoSettingsFrom(env: MongoEnv, appName: string): MongoSettings {
  return { uri: env.MONGODB_URI, database: env.MONGODB_DATABASE || `sne-${appName}` };
}

const MONGO_SETTINGS = Symbol('MONGO_SETTINGS');

/** Injection token of the app's mongoose connection: `@Inject(MONGO_CONNECTION) connection: Connection`. */
export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');

/**
 * One mongoose connection per app. The code never uses multi-document transactions, change
 * streams or $lookup, so it runs the same on FerretDB and on a MongoDB replica set.
 */
@Module({})
export class PersistenceModule implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PersistenceModule.name);

  constructor(
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    private readonly readiness: ReadinessRegistry,
    @Inject(MONGO_SETTINGS) private readonly settings: MongoSettings,
  ) {}

  static forRoot(settings: MongoSettings): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [
        { provide: MONGO_SETTINGS, useValue: settings },
        {
          provide: MONGO_CONNECTION,
          // Open before anything is injected with it: models made in constructors can then
          // create their collections and indexes at once (commands are not buffered).
          useFactory: () =>
            createConnection(settings.uri, {
              dbName: settings.database,
              serverSelectionTimeoutMS: 5_000,
              // Mongoose must not wait for a lost server forever: fail the operation, let the
              // caller (HTTP 503, Kafka retry) decide.
              bufferCommands: false,
              autoIndex: true,
            }).asPromise(),
        },
      ],
      exports: [MONGO_CONNECTION],
    };
  }

  onModuleInit(): void {
    this.readiness.register({ name: 'mongodb', check: () => this.ping() });
    this.logger.log({ msg: 'connected to MongoDB', database: this.settings.database });
  }

  async onModuleDestroy(): Promise<void> {
    await this.connection.close();
  }

  private async ping(): Promise<void> {
    const db = this.connection.db;
    if (!db) {
      throw new Error('not connected');
    }
    await db.command({ ping: 1 }, { timeoutMS: 2_000 });
  }
}
