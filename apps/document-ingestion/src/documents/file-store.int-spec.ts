import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Test, type TestingModule } from '@nestjs/testing';
import { MONGO_CONNECTION, PersistenceModule } from '@sne/persistence';
import { PlatformModule, ReadinessRegistry } from '@sne/platform';
import { isolate, removeTestBucket, testStack } from '@sne/testing';
import type { Connection } from 'mongoose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BatchFileStore, FileStore } from './file-store';
import { FileStorageModule, type FileStorageSettings } from './file-storage.module';
import { s3Client, S3FileStore } from './s3-file-store';

const MB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Writes `bytes` in pieces of `piece` bytes, as an upload arrives. */
async function store(files: FileStore, id: string, bytes: Buffer, piece = 64 * 1024) {
  const upload = files.open(id, `${id}.pdf`, { contentType: 'application/pdf', demand: 'Hélène' });
  for (let offset = 0; offset < bytes.length; offset += piece)
    await upload.write(bytes.subarray(offset, offset + piece));
  await upload.finish();
}

describe.each(['gridfs', 's3'] as const)('document file store on %s', (kind) => {
  const isolation = isolate(`file-store-${kind}`);
  const stack = testStack();
  const s3 = {
    endpoint: stack.s3.endpoint,
    region: stack.s3.region,
    bucket: isolation.id,
    accessKeyId: stack.s3.accessKeyId,
    secretAccessKey: stack.s3.secretAccessKey,
    forcePathStyle: true,
  };
  const settings: FileStorageSettings = kind === 'gridfs' ? { kind } : { kind, ...s3 };
  let moduleRef: TestingModule;
  let files: FileStore;
  let batches: FileStore;
  let admin: S3Client;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ appName: 'test', logLevel: 'silent' }),
        PersistenceModule.forRoot({ uri: stack.mongoUri, database: isolation.database }),
        FileStorageModule.forRoot(settings),
      ],
    }).compile();
    await moduleRef.init();
    files = moduleRef.get(FileStore);
    batches = moduleRef.get(BatchFileStore);
    admin = s3Client(s3);
  });

  afterAll(async () => {
    await moduleRef.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await moduleRef.close();
    if (kind === 's3') await removeTestBucket(admin, s3.bucket);
    admin.destroy();
  });

  it('gives back, byte for byte, a file written in pieces', async () => {
    const id = randomUUID();
    const bytes = randomBytes(300_000);
    await store(files, id, bytes, 7_000);
    expect(await files.exists(id)).toBe(true);
    expect(sha256(await files.readAll(id))).toBe(sha256(bytes));
    const streamed: Buffer[] = [];
    for await (const chunk of await files.read(id)) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).equals(bytes)).toBe(true);
  });

  it('stores a 12 MB scan whole (a multipart upload on S3)', async () => {
    const id = randomUUID();
    const bytes = randomBytes(12 * MB);
    await store(batches, id, bytes, MB);
    expect(sha256(await batches.readAll(id))).toBe(sha256(bytes));
  });

  it('keeps documents and batches apart under one id', async () => {
    const id = randomUUID();
    await store(files, id, Buffer.from('document'));
    await store(batches, id, Buffer.from('batch'));
    expect((await files.readAll(id)).toString()).toBe('document');
    expect((await batches.readAll(id)).toString()).toBe('batch');
  });

  it('leaves nothing of an aborted upload, even past the first 5 MB part', async () => {
    const id = randomUUID();
    const upload = files.open(id, id, { contentType: 'application/pdf' });
    for (let piece = 0; piece < 7; piece++) await upload.write(randomBytes(MB));
    await upload.abort();
    expect(await files.exists(id)).toBe(false);
    if (kind === 's3') {
      const pending = await admin.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }));
      expect(pending.Uploads ?? []).toEqual([]);
    }
  });

  it('removes a file once, and a second removal is no error', async () => {
    const id = randomUUID();
    await store(files, id, Buffer.from('to be purged'));
    await files.remove(id);
    await files.remove(id);
    expect(await files.exists(id)).toBe(false);
    await expect(files.readAll(id)).rejects.toThrow();
  });

  if (kind === 's3') {
    it('creates its bucket at start, files under documents/ and batches/, and reports ready', async () => {
      const id = randomUUID();
      await store(files, id, Buffer.from('a'));
      await store(batches, id, Buffer.from('b'));
      const listed = await admin.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
      expect(listed.Contents?.map((object) => object.Key)).toEqual(
        expect.arrayContaining([`documents/${id}`, `batches/${id}`]),
      );
      const check = moduleRef
        .get(ReadinessRegistry)
        .all()
        .find((candidate) => candidate.name === 's3');
      await expect(check?.check()).resolves.toBeUndefined();
    });

    it('fails an upload, without hanging, when the server cannot be reached', async () => {
      const unreachable = s3Client({ ...s3, endpoint: 'http://127.0.0.1:9' });
      const lost = new S3FileStore(unreachable, s3.bucket, 'documents');
      try {
        await expect(store(lost, randomUUID(), randomBytes(6 * MB), MB)).rejects.toThrow(
          /ECONNREFUSED|connect/,
        );
      } finally {
        unreachable.destroy();
      }
    });
  }
});
