/**
 * Registers a few sample guichets with their subscriptions through the dispatching API, so the
 * platform started by `bin/sne up` has someone to deliver to. Safe to run twice: existing guichets
 * and subscriptions are left as they are.
 */
import { apiAudience, signAccessToken } from '@sne/auth';
import { importJWK } from 'jose';
import { DemandEventTypes, DocumentEventTypes } from '@sne/contracts';
import type { Rule } from '@sne/matching';

const API = process.env.DISPATCHING_URL ?? 'http://127.0.0.1:3002';
import { ensureSecretClient } from './idp-clients';
import { LOCAL_ISSUER, localSigningKey } from './local-signing-key';
const DEMAND_EVENTS = Object.values(DemandEventTypes);
const ALL_EVENTS = [...DEMAND_EVENTS, ...Object.values(DocumentEventTypes)];

interface Sample {
  code: string;
  name: string;
  type: string;
  departments: string[];
  /** A municipality or an EPCI receives the demands wishing its communes only. */
  communes?: string[];
  eventTypes: string[];
  rule: Rule;
}

const SAMPLES: Sample[] = [
  {
    code: '10691',
    name: 'Bailleur social de Moselle',
    type: 'landlord',
    departments: ['057'],
    eventTypes: ALL_EVENTS,
    rule: {
      all: [
        { field: 'demand.department', equals: '057' },
        { field: 'demand.householdSize', range: { lte: 6 } },
      ],
    },
  },
  {
    code: '57463',
    name: 'Ville de Metz',
    type: 'municipality',
    departments: ['057'],
    communes: ['57463'],
    eventTypes: DEMAND_EVENTS,
    rule: { field: 'demand.wishedCommunes', equals: '57463' },
  },
  {
    code: '57ETA',
    name: 'DDETS de la Moselle (contingent préfectoral)',
    type: 'state-service',
    departments: ['057'],
    eventTypes: DEMAND_EVENTS,
    rule: {
      all: [
        { field: 'demand.department', equals: '057' },
        {
          any: [
            { field: 'demand.dalo', equals: true },
            { field: 'demand.priority', equals: true },
          ],
        },
      ],
    },
  },
  {
    code: '75056',
    name: 'Ville de Paris',
    type: 'municipality',
    departments: ['075'],
    eventTypes: DEMAND_EVENTS,
    rule: {
      any: [
        { field: 'demand.wishedCommunes', prefix: '751' },
        { field: 'demand.wishedCommunes', equals: '75056' },
      ],
    },
  },
  {
    code: '69B07',
    name: 'Bailleur de la Métropole de Lyon',
    type: 'landlord',
    departments: ['069'],
    eventTypes: DEMAND_EVENTS,
    rule: {
      all: [
        { field: 'demand.department', equals: '069' },
        { field: 'demand.dwellingTypes', anyOf: ['T2', 'T3', 'T4'] },
        { not: { field: 'demand.state', equals: 'radiated' } },
      ],
    },
  },
];

let token: Promise<string> | undefined;
const seedToken = async () => {
  const privateJwk = localSigningKey();
  return signAccessToken(
    { kind: 'operator', id: 'seed', roles: ['national-admin'], territory: 'all' },
    {
      issuer: LOCAL_ISSUER,
      privateJwk,
      key: await importJWK(privateJwk),
      clientId: 'sne-dev-script',
      audience: apiAudience('dispatching'),
      now: new Date(),
      ttlSeconds: 600,
    },
  );
};

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<number> {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await (token ??= seedToken())}`,
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status >= 400 && response.status !== 404 && response.status !== 409) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.status;
}

async function main(): Promise<void> {
  for (const sample of SAMPLES) {
    const created = await call('POST', '/guichets', {
      code: sample.code,
      name: sample.name,
      type: sample.type,
      territory: {
        departments: sample.departments,
        ...(sample.communes ? { communes: sample.communes } : {}),
      },
      referentEmail: `referent.${sample.code.toLowerCase()}@example.fr`,
      channels: { kafka: { enabled: true }, pull: { enabled: true } },
    });
    const hasSubscription = (await call('GET', `/guichets/${sample.code}/subscription`)) === 200;
    if (!hasSubscription) {
      await call('PUT', `/guichets/${sample.code}/subscription`, {
        eventTypes: sample.eventTypes,
        rule: sample.rule,
        comment: 'sample',
      });
    }
    // Its software's credentials at the identity provider (`npm run token -- guichet <code>`).
    await ensureSecretClient({
      kind: 'guichet',
      clientId: sample.code,
      guichetType: sample.type,
      territory: sample.departments,
    });
    process.stdout.write(
      `guichet ${sample.code} ${created === 201 ? 'created' : 'present'}${hasSubscription ? '' : ', subscribed'}, client registered\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seeding sample guichets failed: ${(error as Error).message}\n`);
  process.exit(1);
});
