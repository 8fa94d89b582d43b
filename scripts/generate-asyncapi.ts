/**
 * Writes docs/asyncapi.yaml from libs/contracts (topics, event types, schemas), so the document
 * cannot drift from the code. `--check` fails when the committed file is stale (run by `check`).
 */
import {
  cloudEventSchema,
  EVENT_CATALOG,
  guichetDeliverySchema,
  KafkaHeaders,
  TOPIC_SPECS,
  type EventCatalogEntry,
} from '@sne/contracts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

const OUTPUT = join(__dirname, '..', 'docs', 'asyncapi.yaml');

const messageName = (type: string) =>
  type
    .replace(/^sne\./, '')
    .replace(/\.v\d+$/, '')
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

function messageOf(entry: EventCatalogEntry): Record<string, unknown> {
  const { $id: _envelopeId, ...envelope } = cloudEventSchema;
  const { $id: _dataId, ...data } = entry.dataSchema as { $id?: string };
  return {
    name: entry.type,
    title: messageName(entry.type),
    summary: entry.summary,
    contentType: 'application/cloudevents+json',
    headers: {
      type: 'object',
      properties: {
        [KafkaHeaders.ContentType]: {
          type: 'string',
          const: 'application/cloudevents+json; charset=utf-8',
        },
        [KafkaHeaders.CorrelationId]: { type: 'string' },
        [KafkaHeaders.EventType]: { type: 'string', const: entry.type },
      },
    },
    payload: {
      ...envelope,
      properties: { ...envelope.properties, type: { const: entry.type }, data },
    },
    bindings: { kafka: { key: { type: 'string' }, bindingVersion: '0.5.0' } },
  };
}

export function buildAsyncApi(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const topic of TOPIC_SPECS) {
    const channelId = topic.name.replace(/\./g, '-');
    const entries = EVENT_CATALOG.filter((entry) => entry.topic === topic.name);
    for (const entry of entries) messages[messageName(entry.type)] = messageOf(entry);
    channels[channelId] = {
      address: topic.name,
      description: `${topic.description}\n\nKey: ${topic.key}. Partitions: ${topic.partitions}. Retention: ${topic.retentionDays} days.`,
      messages: Object.fromEntries(
        entries.map((entry) => [
          messageName(entry.type),
          { $ref: `#/components/messages/${messageName(entry.type)}` },
        ]),
      ),
      bindings: { kafka: { partitions: topic.partitions, bindingVersion: '0.5.0' } },
    };
    for (const app of topic.producers) {
      operations[`${app}-sends-${channelId}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${channelId}` },
        summary: `${app} publishes to ${topic.name}`,
      };
    }
    for (const app of topic.consumers) {
      operations[`${app}-receives-${channelId}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${channelId}` },
        summary: `${app} consumes ${topic.name} (consumer group sne.${app})`,
      };
    }
  }
  addGuichetDeliveries(channels, operations, messages);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'SNE dispatching platform events',
      version: '1.0.0',
      description:
        'Events of the social-housing demand register. Every message is a CloudEvents 1.0 envelope in ' +
        'structured content mode (the JSON value), keyed so that the events of one demand stay in order. ' +
        'Generated from libs/contracts by scripts/generate-asyncapi.ts: do not edit by hand.',
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'deploy/local single-node broker',
      },
      production: {
        host: '{bootstrap}',
        protocol: 'kafka-secure',
        description: 'The production cluster (SASL/SCRAM over TLS)',
        variables: { bootstrap: { default: 'kafka-bootstrap.sne.svc:9093' } },
      },
    },
    channels,
    operations,
    components: { messages },
  };
}

/** Each guichet's own delivery log: one topic per guichet, read only by that guichet. */
function addGuichetDeliveries(
  channels: Record<string, unknown>,
  operations: Record<string, unknown>,
  messages: Record<string, unknown>,
): void {
  const { $id: _id, ...payload } = guichetDeliverySchema;
  messages.GuichetDelivery = {
    name: 'guichet-delivery',
    title: 'GuichetDelivery',
    summary: "One event selected by the guichet's subscription, with a stable delivery id.",
    contentType: 'application/json',
    headers: {
      type: 'object',
      properties: {
        [KafkaHeaders.CorrelationId]: { type: 'string' },
        [KafkaHeaders.EventType]: { type: 'string', description: 'type of the wrapped event' },
        'delivery-id': {
          type: 'string',
          description: '<event id>:<guichet code>; deduplicate on it',
        },
      },
    },
    payload,
    bindings: {
      kafka: { key: { type: 'string', description: 'numéro unique' }, bindingVersion: '0.5.0' },
    },
  };
  channels['sne-guichet-deliveries-v1'] = {
    address: 'sne.guichet.{guichetCode}.deliveries.v1',
    description:
      "A guichet's ordered, replayable delivery log, written by the dispatcher. Keyed by numéro unique: " +
      "one demand's deliveries stay in order. Partitions: 3. Retention: 14 days. The guichet reads it with " +
      'the consumer group `sne.guichet.{guichetCode}` (or one named after it), as the principal ' +
      '`guichet-{guichetCode}` (SASL/SCRAM-SHA-512, credentials from `POST /guichets/{code}/kafka/credentials`), ' +
      'which may read this topic and those groups only; the dispatcher sets its ACLs (ADR 0023). At-least-once: a delivery may come ' +
      'twice, always with the same delivery id.',
    parameters: {
      guichetCode: { description: 'the 5-character guichet code', examples: ['10691'] },
    },
    messages: { GuichetDelivery: { $ref: '#/components/messages/GuichetDelivery' } },
  };
  operations['dispatching-sends-guichet-deliveries'] = {
    action: 'send',
    channel: { $ref: '#/channels/sne-guichet-deliveries-v1' },
    summary: "dispatching appends each selected event to the guichet's log",
  };
  operations['guichet-receives-guichet-deliveries'] = {
    action: 'receive',
    channel: { $ref: '#/channels/sne-guichet-deliveries-v1' },
    summary: 'guichet software consumes its own log (consumer group sne.guichet.{guichetCode})',
  };
}

function main(): void {
  const rendered =
    '# Generated by scripts/generate-asyncapi.ts from libs/contracts. Do not edit.\n' +
    stringify(buildAsyncApi(), { lineWidth: 0, aliasDuplicateObjects: false });
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(OUTPUT, 'utf8');
    } catch {
      committed = '';
    }
    if (committed !== rendered) {
      process.stderr.write(
        'docs/asyncapi.yaml is stale: run `npm run asyncapi:generate` and commit it.\n',
      );
      process.exit(1);
    }
    process.stdout.write('docs/asyncapi.yaml is up to date\n');
    return;
  }
  writeFileSync(OUTPUT, rendered);
  process.stdout.write(`wrote ${OUTPUT}\n`);
}

main();
