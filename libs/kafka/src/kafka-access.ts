import {
  type AppName,
  guichetConsumerGroup,
  guichetDeliveryTopic,
  TOPIC_SPECS,
} from '@sne/contracts';

/**
 * Who may do what on the broker: the ACLs of each service's principal, derived from the topic
 * table (libs/contracts TOPIC_SPECS: producers write, consumers read), and of each guichet's
 * principal (its own delivery log and consumer groups, nothing else). The broker denies what no
 * ACL allows (deploy/local/infra.sh, docs/security.md).
 */

export type AclOperation = 'read' | 'write' | 'create' | 'describe' | 'describe-configs' | 'alter';

export interface AclBinding {
  /** `User:<name>`. */
  readonly principal: string;
  readonly resourceType: 'topic' | 'group' | 'cluster';
  readonly resourceName: string;
  readonly pattern: 'literal' | 'prefixed';
  readonly operation: AclOperation;
}

export const CLUSTER_RESOURCE = 'kafka-cluster';

/** The apps that connect to Kafka, each as its own principal. */
export const KAFKA_SERVICES: readonly AppName[] = [
  'registration',
  'dispatching',
  'renewal-notices',
  'document-ingestion',
  'console',
  'audit-trail',
];

export function serviceUser(app: AppName): string {
  return `sne-${app}`;
}

/** A guichet's user on the broker; its code's pattern is checked by the topic name's. */
export function guichetUser(guichetCode: string): string {
  guichetDeliveryTopic(guichetCode);
  return `guichet-${guichetCode}`;
}

export function principalOf(user: string): string {
  return `User:${user}`;
}

/** The prefix under which every guichet principal lies (for reconciling them all at once). */
export const GUICHET_PRINCIPAL_PREFIX = principalOf('guichet-');

function bindings(
  principal: string,
  resourceType: AclBinding['resourceType'],
  resourceName: string,
  pattern: AclBinding['pattern'],
  operations: readonly AclOperation[],
): AclBinding[] {
  return operations.map((operation) => ({
    principal,
    resourceType,
    resourceName,
    pattern,
    operation,
  }));
}

/**
 * A service's ACLs under a topic prefix (empty in production, one per test file in tests):
 * write on the topics it produces (its dead letters included), read on those it consumes, read
 * on its own consumer groups (`sne.<app>…`). The dispatcher also owns the guichets' delivery logs
 * (creates, writes, reads them, moves their groups for a replay) and sets the guichets' ACLs and
 * credentials, which takes ALTER on the cluster.
 */
export function serviceAcls(app: AppName, prefix: string): AclBinding[] {
  const principal = principalOf(serviceUser(app));
  const topics = TOPIC_SPECS.flatMap((spec) => {
    const operations: AclOperation[] = [
      ...(spec.producers.includes(app) ? (['write'] as const) : []),
      ...(spec.consumers.includes(app) ? (['read'] as const) : []),
    ];
    return operations.length === 0
      ? []
      : bindings(principal, 'topic', `${prefix}${spec.name}`, 'literal', [
          ...operations,
          'describe',
        ]);
  });
  const groups = bindings(principal, 'group', `${prefix}sne.${app}`, 'prefixed', [
    'read',
    'describe',
  ]);
  if (app !== 'dispatching') return [...topics, ...groups];
  return [
    ...topics,
    ...groups,
    ...bindings(principal, 'topic', `${prefix}sne.guichet.`, 'prefixed', [
      'create',
      'write',
      'read',
      'describe',
      'describe-configs',
    ]),
    ...bindings(principal, 'group', `${prefix}sne.guichet.`, 'prefixed', ['read', 'describe']),
    ...bindings(principal, 'cluster', CLUSTER_RESOURCE, 'literal', ['alter', 'describe']),
  ];
}

/** What a guichet may do: read its own delivery log, with consumer groups named after it. */
export function guichetAcls(guichetCode: string, prefix: string): AclBinding[] {
  const principal = principalOf(guichetUser(guichetCode));
  return [
    ...bindings(principal, 'topic', `${prefix}${guichetDeliveryTopic(guichetCode)}`, 'literal', [
      'read',
      'describe',
    ]),
    ...bindings(principal, 'group', `${prefix}${guichetConsumerGroup(guichetCode)}`, 'prefixed', [
      'read',
      'describe',
    ]),
  ];
}

export function aclKey(binding: AclBinding): string {
  return [
    binding.principal,
    binding.resourceType,
    binding.pattern,
    binding.resourceName,
    binding.operation,
  ].join('|');
}

/** What to create and what to delete so that `current` becomes `desired`. */
export function aclChanges(
  current: readonly AclBinding[],
  desired: readonly AclBinding[],
): { create: AclBinding[]; remove: AclBinding[] } {
  const have = new Set(current.map(aclKey));
  const want = new Set(desired.map(aclKey));
  return {
    create: desired.filter((binding) => !have.has(aclKey(binding))),
    remove: current.filter((binding) => !want.has(aclKey(binding))),
  };
}
