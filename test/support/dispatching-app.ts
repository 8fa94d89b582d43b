import type { INestApplication } from '@nestjs/common';
import { type CloudEvent, DemandEventTypes, encodeEvent, Topics } from '@sne/contracts';
import type { Rule } from '@sne/matching';
import {
  appEnv,
  factory,
  type Isolation,
  operatorAuth,
  startApp,
  type TestKafka,
} from '@sne/testing';
import { AppModule } from '../../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../../apps/dispatching/src/config';
import { jsonClient } from './http-client';

export type JsonClient = ReturnType<typeof jsonClient>;

/** The dispatching app of a test file on the test stack, reading subscriptions every 500 ms. */
export async function startDispatching(
  isolation: Isolation,
  env: Record<string, string> = {},
): Promise<{ app: INestApplication; client: JsonClient }> {
  const config = loadDispatchingConfig(
    appEnv(isolation, { SUBSCRIPTION_REFRESH_MS: '500', ...env }),
  );
  const { app, url } = await startApp(AppModule.forRoot(config));
  return { app, client: jsonClient(url) };
}

/** A rule every demand meets. */
export const EVERY_DEMAND: Rule = { field: 'demand.householdSize', range: { gte: 0 } };

export interface TestGuichet {
  readonly code: string;
  readonly departments: string[];
  /** The Kafka channel (default: on). */
  readonly kafka?: boolean;
  /** A webhook channel to this URL. */
  readonly webhook?: string;
  /** Subscribed to every registered demand of its territory (default: yes). */
  readonly subscribed?: boolean;
}

/** Landlord guichets over departments, created and subscribed by a national operator. */
export async function createGuichets(
  client: JsonClient,
  guichets: readonly TestGuichet[],
): Promise<void> {
  for (const guichet of guichets) {
    const created = await client(
      'POST',
      '/guichets',
      {
        code: guichet.code,
        name: `Guichet ${guichet.code}`,
        type: 'landlord',
        territory: { departments: guichet.departments },
        referentEmail: `referent.${guichet.code.toLowerCase()}@example.fr`,
        channels: {
          kafka: { enabled: guichet.kafka ?? true },
          pull: { enabled: true },
          ...(guichet.webhook ? { webhook: { enabled: true, url: guichet.webhook } } : {}),
        },
      },
      operatorAuth(),
    );
    expect(created.status).toBe(201);
    if (guichet.subscribed === false) continue;
    const saved = await client(
      'PUT',
      `/guichets/${guichet.code}/subscription`,
      { eventTypes: [DemandEventTypes.Registered], rule: EVERY_DEMAND },
      operatorAuth(),
    );
    expect(saved.status).toBe(200);
  }
}

/** `count` demands registered in Paris and as many in Moselle, published on the demand events. */
export async function publishParisAndMoselle(
  kafka: TestKafka,
  count: number,
): Promise<{ paris: CloudEvent[]; moselle: CloudEvent[] }> {
  const registered = (department: string, commune: string) =>
    Array.from({ length: count }, () =>
      factory.demandEvent(
        DemandEventTypes.Registered,
        factory.demand({ department, wishedCommunes: [commune], guichetCode: '99999' }),
      ),
    );
  const paris = registered('075', '75056');
  const moselle = registered('057', '57463');
  const producer = kafka.kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: kafka.topic(Topics.DemandEvents),
      messages: [...paris, ...moselle].map((event) => encodeEvent(event)),
    });
  } finally {
    await producer.disconnect();
  }
  return { paris, moselle };
}

export const numeroUniqueOf = (event: CloudEvent): string =>
  (event.data as { demand: { numeroUnique: string } }).demand.numeroUnique;
