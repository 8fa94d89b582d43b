import { authEnv } from '@sne/auth';
import {
  coreEnv,
  httpPort,
  kafkaEnv,
  loadConfig,
  mongoEnv,
  redisEnv,
  smtpEnv,
} from '@sne/platform';
import { BATCH_WINDOW_PATTERN } from '@sne/domain';
import { pdfSafetyEnv } from '@sne/printing';
import { bool, type CleanedEnv, makeValidator, num, str } from 'envalid';
import type { FileStorageSettings } from './documents/file-storage.module';

export const APP_NAME = 'document-ingestion';

const MB = 1024 * 1024;

const loadWindow = makeValidator<string>((input) => {
  if (input !== '' && !new RegExp(BATCH_WINDOW_PATTERN).test(input))
    throw new Error('expected HH:MM-HH:MM, e.g. 22:00-06:00, or nothing');
  return input;
});

const s3Bucket = makeValidator<string>((input) => {
  // S3's naming rules: 3-63 lower-case letters, digits, dots and hyphens.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(input))
    throw new Error('expected an S3 bucket name: 3-63 lower-case letters, digits, dots, hyphens');
  return input;
});

const renderLanes = makeValidator<number>((input) => {
  const lanes = Number(input);
  if (!Number.isInteger(lanes) || lanes < 0 || lanes > 16)
    throw new Error('expected a whole number from 0 (one per core) to 16');
  return lanes;
});

export const documentIngestionEnv = {
  ...coreEnv,
  ...authEnv,
  ...httpPort(3004),
  ...kafkaEnv,
  ...mongoEnv,
  ...redisEnv,
  ...smtpEnv,
  ...pdfSafetyEnv,
  PORTAL_MAX_FILE_BYTES: num({
    default: 2 * MB,
    desc: 'Largest document the public portal uploads (the seeds: 2 MB per document)',
  }),
  SCAN_MAX_FILE_BYTES: num({
    default: 18 * MB,
    desc: 'Largest scanned file a guichet or the scanning service uploads (the seeds: 18 MB)',
  }),
  DOCUMENT_STORAGE: str({
    choices: ['gridfs', 's3'],
    default: 'gridfs',
    desc: 'Where the files of documents and scanned batches go: MongoDB GridFS, or an S3-compatible bucket (S3_*)',
  }),
  S3_ENDPOINT: str({
    default: '',
    desc: "URL of the S3-compatible server (e.g. http://127.0.0.1:9000); empty for AWS's own",
  }),
  S3_REGION: str({ default: 'us-east-1', desc: "The bucket's region" }),
  S3_BUCKET: s3Bucket({
    default: 'sne-documents',
    desc: 'The bucket holding the files (documents/<id>, batches/<id>); created if missing',
  }),
  S3_ACCESS_KEY_ID: str({
    default: '',
    desc: "Access key; empty: the SDK's default chain (environment, instance role)",
  }),
  S3_SECRET_ACCESS_KEY: str({ default: '', desc: 'Secret of S3_ACCESS_KEY_ID' }),
  S3_FORCE_PATH_STYLE: bool({
    default: true,
    desc: 'Bucket in the URL path rather than the host name, as most S3-compatible servers need',
  }),
  QUARANTINE_RETENTION_DAYS: num({
    default: 30,
    desc: "Days a deleted (quarantined) document's file is kept before it is purged",
  }),
  PURGE_SWEEP_MS: num({
    default: 3_600_000,
    desc: 'How often quarantined documents past their retention are purged',
  }),
  OUTBOX_SWEEP_MS: num({
    default: 60_000,
    desc: 'How often the relay looks for document events a crash left unpublished',
  }),
  QR_PUBLIC_KEYS: str({
    // The public half of the local platform's certificate key (registration's devDefault).
    devDefault:
      'LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUNvd0JRWURLMlZ3QXlFQWlqNVJNUmE3WGxBdjJ6L1BuZm9rbmwyOGxNTHU3eFdBZU5YbTgwOW9MK2c9Ci0tLS0tRU5EIFBVQkxJQyBLRVktLS0tLQo=',
    desc: 'Comma-separated Ed25519 public keys (SPKI PEM, base64) that check the QR codes of summary sheets, slips and certificates',
  }),
  BATCH_LOAD_WINDOW: loadWindow({
    default: '',
    desc: 'Paris time HH:MM-HH:MM when scanned batches are split and loaded (e.g. 22:00-06:00); empty: at once',
  }),
  BATCH_RENDER_DPI: num({
    default: 150,
    desc: 'Resolution scanned batch pages are rendered at to read their QR codes (36-300)',
  }),
  BATCH_RENDER_LANES: renderLanes({
    default: 0,
    desc: 'Page ranges of a scanned batch rendered and decoded at once (0: one per core, at most 4); fewer leaves cores to the upload API',
  }),
  POPPLER_TIMEOUT_MS: num({
    default: 120_000,
    desc: 'Time each poppler call on a scanned batch gets',
  }),
  PDFINFO_PATH: str({ default: 'pdfinfo', desc: "poppler's pdfinfo, which checks PDF structure" }),
  PDFTOPPM_PATH: str({ default: 'pdftoppm', desc: "poppler's pdftoppm, which renders pages" }),
  RENDER_PROBE_TIMEOUT_MS: num({
    default: 5_000,
    desc: "Time an uploaded document's pages get to render at 4 dpi; longer is refused as a compressed bomb",
  }),
  PDFINFO_TIMEOUT_MS: num({
    default: 10_000,
    desc: 'Time pdfinfo gets to read an uploaded PDF; longer counts as unreadable',
  }),
};

export type DocumentIngestionConfig = Readonly<CleanedEnv<typeof documentIngestionEnv>>;

export function loadDocumentIngestionConfig(
  env?: Record<string, string | undefined>,
): DocumentIngestionConfig {
  return loadConfig(APP_NAME, documentIngestionEnv, env);
}

export function fileStorageSettingsFrom(config: DocumentIngestionConfig): FileStorageSettings {
  if (config.DOCUMENT_STORAGE === 'gridfs') return { kind: 'gridfs' };
  return {
    kind: 's3',
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    bucket: config.S3_BUCKET,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  };
}
