/**
 * Renewal notices sent per second through the renewal-notices app (BullMQ job, claim in the
 * database, provider, notice event on Kafka), beside the bare client's ceiling measured in the
 * same run on the same servers: nodemailer's pooled transport for mail, an SMPP session with the
 * same window for SMS.
 *
 *   npm run bench:renewal-send -- [--notices 2000] [--window 16]
 *
 * Needs the local stack (bin/sne infra start). Writes bench/renewal/send-results.json.
 */
import { NestFactory } from '@nestjs/core';
import type { DemandSnapshot } from '@sne/contracts';
import {
  aDemand,
  addMonths,
  dateInTimeZone,
  renewalEmail,
  renewalSmsText,
  PARIS_TIME_ZONE,
} from '@sne/domain';
import { concatenationHeader, planSms, toMsisdn } from '@sne/notifications';
import { appEnv, isolate, TestKafka, testStack } from '@sne/testing';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { AppModule } from '../../apps/renewal-notices/src/app.module';
import { calendarEntryOf } from '../../apps/renewal-notices/src/calendar/calendar-entry';
import { CalendarRepository } from '../../apps/renewal-notices/src/calendar/calendar.repository';
import { loadRenewalNoticesConfig } from '../../apps/renewal-notices/src/config';
import {
  type NoticeChannelName,
  type NoticeJob,
  NoticeQueues,
  jobIdOf,
} from '../../apps/renewal-notices/src/notices/notice-queues';
import { positiveIntegerOption, writeResults } from '../cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const smpp = require('smpp') as {
  connect(options: { url: string }): SmppSession;
};
interface SmppSession {
  bind_transceiver(options: Record<string, unknown>, callback: (pdu: SmppPdu) => void): void;
  submit_sm(options: Record<string, unknown>, callback: (pdu: SmppPdu) => void): void;
  on(event: string, listener: (pdu: SmppPdu) => void): void;
  send(pdu: unknown): void;
  close(): void;
}
interface SmppPdu {
  command_status: number;
  response(): unknown;
}

const POOL_SIZE = 5;

async function withWindow<T>(
  items: readonly T[],
  window: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

async function rawMail(count: number, window: number): Promise<number> {
  const url = new URL(testStack().smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port),
    pool: true,
    maxConnections: POOL_SIZE,
    ignoreTLS: true,
  });
  const mail = renewalEmail({ numeroUnique: '057 0125 000001 10691', cycle: '2027-01-10' });
  const start = performance.now();
  await withWindow(
    Array.from({ length: count }, (_, i) => i),
    window,
    async (i) => {
      await transport.sendMail({
        from: 'SNE <no-reply@sne.test>',
        to: `bench.raw.${i}@example.fr`,
        ...mail,
      });
    },
  );
  const seconds = (performance.now() - start) / 1000;
  transport.close();
  return count / seconds;
}

async function rawSms(count: number, window: number): Promise<number> {
  const session = smpp.connect({ url: testStack().smppUrl });
  session.on('deliver_sm', (pdu) => session.send(pdu.response()));
  await new Promise<void>((resolve, reject) =>
    session.bind_transceiver({ system_id: 'sne', password: 'sne' }, (pdu) =>
      pdu.command_status === 0 ? resolve() : reject(new Error('bind refused')),
    ),
  );
  const plan = planSms(renewalSmsText({ numeroUnique: '057 0125 000001 10691' }));
  const start = performance.now();
  await withWindow(
    Array.from({ length: count }, (_, i) => i),
    window,
    async (i) => {
      for (const [index, segment] of plan.segments.entries()) {
        await new Promise<void>((resolve) =>
          session.submit_sm(
            {
              source_addr: 'DemLogSoc',
              destination_addr: toMsisdn(`07${String(i).padStart(8, '0')}`),
              data_coding: plan.dataCoding,
              registered_delivery: 1,
              short_message:
                plan.segments.length === 1
                  ? segment
                  : {
                      udh: concatenationHeader(i % 256, plan.segments.length, index + 1),
                      message: segment,
                    },
            },
            () => resolve(),
          ),
        );
      }
    },
  );
  const seconds = (performance.now() - start) / 1000;
  session.close();
  return count / seconds;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const count = positiveIntegerOption(argv, '--notices') ?? 2_000;
  const window = positiveIntegerOption(argv, '--window') ?? 16;
  const isolation = isolate('bench-renewal-send');
  const kafka = new TestKafka(isolation.topicPrefix);
  await kafka.createPlatformTopics();
  const app = await NestFactory.create(
    AppModule.forRoot(
      loadRenewalNoticesConfig(
        appEnv(isolation, {
          LOG_LEVEL: 'warn',
          SMTP_POOL_SIZE: String(POOL_SIZE),
          NOTICE_WORKER_CONCURRENCY: String(window),
          EMAIL_RATE_PER_SECOND: '100000',
          SMS_RATE_PER_SECOND: '100000',
          // Whatever the hour of the run: no quiet hours.
          RENEWAL_SETTINGS: JSON.stringify({ quietHours: { start: '00:00', end: '00:00' } }),
        }),
      ),
    ),
    { logger: ['warn', 'error'] },
  );
  await app.init();
  try {
    const today = dateInTimeZone(new Date(), PARIS_TIME_ZONE);
    const cycle = addMonths(today, 1);
    const entries = Array.from({ length: count }, (_, i) => {
      const numeroUnique = `057 0125 ${String(i + 1).padStart(6, '0')} 10691`;
      const entry = calendarEntryOf({
        ...(aDemand({
          numeroUnique,
          anniversaryDate: cycle,
          contact: {
            email: `bench.app.${i}@example.fr`,
            mobile: `06${String(i).padStart(8, '0')}`,
            smsConsent: true,
          },
        }) as unknown as DemandSnapshot),
        guichetCode: '10691',
      });
      return { entry, indexed: [] };
    });
    await app.get(CalendarRepository).load(entries, new Date());
    const queues = app.get(NoticeQueues);

    const throughApp = async (channel: NoticeChannelName, kind: 'email' | 'sms') => {
      const queue = queues.queue(channel);
      const jobs: NoticeJob[] = entries.map(({ entry }) => ({
        numeroUnique: entry.numeroUnique,
        cycle,
        kind,
        version: 1,
      }));
      const start = performance.now();
      await queue.addBulk(
        jobs.map((job) => ({ name: kind, data: job, opts: { jobId: jobIdOf(job) } })),
      );
      for (;;) {
        const counts = await queue.getJobCounts('completed', 'failed');
        if ((counts['completed'] ?? 0) + (counts['failed'] ?? 0) >= count) {
          const seconds = (performance.now() - start) / 1000;
          return { perSecond: count / seconds, failed: counts['failed'] ?? 0 };
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    const mailCeiling = await rawMail(count, window);
    const mailApp = await throughApp('email', 'email');
    const smsCeiling = await rawSms(count, window);
    const smsApp = await throughApp('sms', 'sms');
    const round = (value: number) => Math.round(value * 10) / 10;
    const results = {
      measuredAt: new Date().toISOString(),
      notices: count,
      window,
      smtpPoolSize: POOL_SIZE,
      email: {
        rawNodemailerPerSecond: round(mailCeiling),
        appPerSecond: round(mailApp.perSecond),
        failed: mailApp.failed,
      },
      sms: {
        segmentsPerMessage: planSms(renewalSmsText({ numeroUnique: '057 0125 000001 10691' }))
          .segments.length,
        rawSmppPerSecond: round(smsCeiling),
        appPerSecond: round(smsApp.perSecond),
        failed: smsApp.failed,
      },
    };
    console.log(JSON.stringify(results, null, 2));
    await writeResults(join(__dirname, 'send-results.json'), results);
  } finally {
    await app.close();
    await kafka.cleanup();
  }
}

void main();
