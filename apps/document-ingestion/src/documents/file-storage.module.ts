import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { MONGO_CONNECTION } from '@sne/persistence';
import { ReadinessRegistry } from '@sne/platform';
import type { Connection } from 'mongoose';
import { BatchFileStore, FileStore } from './file-store';
import { GridFsFileStore } from './gridfs-file-store';
import { ensureBucket, s3Client, S3FileStore, type S3Settings } from './s3-file-store';

export type FileStorageSettings =
  { readonly kind: 'gridfs' } | ({ readonly kind: 's3' } & S3Settings);

const S3_SETTINGS = Symbol('S3_SETTINGS');
const S3_CLIENT = Symbol('S3_CLIENT');

/** One S3 client for both stores: the bucket made sure of at start, and a readiness check. */
@Injectable()
class S3Connection implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(S3_CLIENT) private readonly client: S3Client,
    @Inject(S3_SETTINGS) private readonly settings: S3Settings,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureBucket(this.client, this.settings.bucket);
    this.readiness.register({
      name: 's3',
      check: async () => {
        await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
      },
    });
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }
}

/**
 * The files of documents (`FileStore`) and of scanned batches (`BatchFileStore`): in GridFS
 * buckets `documents` and `batches`, or in one S3 bucket under the prefixes of the same names.
 */
@Module({})
export class FileStorageModule {
  static forRoot(settings: FileStorageSettings): DynamicModule {
    if (settings.kind === 'gridfs') {
      return {
        module: FileStorageModule,
        providers: [
          {
            provide: FileStore,
            useFactory: (connection: Connection) => new GridFsFileStore(connection, 'documents'),
            inject: [MONGO_CONNECTION],
          },
          {
            provide: BatchFileStore,
            useFactory: (connection: Connection) => new GridFsFileStore(connection, 'batches'),
            inject: [MONGO_CONNECTION],
          },
        ],
        exports: [FileStore, BatchFileStore],
      };
    }
    return {
      module: FileStorageModule,
      providers: [
        { provide: S3_SETTINGS, useValue: settings },
        { provide: S3_CLIENT, useFactory: () => s3Client(settings) },
        S3Connection,
        {
          provide: FileStore,
          useFactory: (client: S3Client) => new S3FileStore(client, settings.bucket, 'documents'),
          inject: [S3_CLIENT],
        },
        {
          provide: BatchFileStore,
          useFactory: (client: S3Client) => new S3FileStore(client, settings.bucket, 'batches'),
          inject: [S3_CLIENT],
        },
      ],
      exports: [FileStore, BatchFileStore],
    };
  }
}
