import {
  type Acl,
  AclOperations,
  AclPermissionTypes,
  Admin,
  alterUserScramCredentialsV0,
  Connection,
  ResourcePatternTypes,
  ResourceTypes,
  ScramMechanisms,
} from '@platformatic/kafka';
import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { AppName } from '@sne/contracts';
import {
  type AclBinding,
  aclChanges,
  type AclOperation,
  serviceAcls,
  serviceUser,
} from './kafka-access';
import type { KafkaSettings } from './kafka-settings';

const SCRAM_ITERATIONS = 8192;
const derive = promisify(pbkdf2);

const OPERATIONS: Record<AclOperation, number> = {
  read: AclOperations.READ,
  write: AclOperations.WRITE,
  create: AclOperations.CREATE,
  describe: AclOperations.DESCRIBE,
  'describe-configs': AclOperations.DESCRIBE_CONFIGS,
  alter: AclOperations.ALTER,
};
const RESOURCE_TYPES: Record<AclBinding['resourceType'], number> = {
  topic: ResourceTypes.TOPIC,
  group: ResourceTypes.GROUP,
  cluster: ResourceTypes.CLUSTER,
};
const PATTERNS: Record<AclBinding['pattern'], number> = {
  literal: ResourcePatternTypes.LITERAL,
  prefixed: ResourcePatternTypes.PREFIXED,
};

function reverse<T extends string>(table: Record<T, number>): Map<number, T> {
  return new Map(Object.entries(table).map(([name, value]) => [value as number, name as T]));
}
const OPERATION_NAMES = reverse(OPERATIONS);
const RESOURCE_TYPE_NAMES = reverse(RESOURCE_TYPES);
const PATTERN_NAMES = reverse(PATTERNS);

function toAcl(binding: AclBinding): Acl {
  return {
    resourceType: RESOURCE_TYPES[binding.resourceType] as Acl['resourceType'],
    resourceName: binding.resourceName,
    resourcePatternType: PATTERNS[binding.pattern] as Acl['resourcePatternType'],
    principal: binding.principal,
    host: '*',
    operation: OPERATIONS[binding.operation] as Acl['operation'],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/**
 * Users and ACLs on the broker, for the principal the settings name (which needs ALTER and
 * DESCRIBE on the cluster). kafkajs has no SCRAM user management; @platformatic/kafka speaks the
 * AlterUserScramCredentials and ACL requests of Kafka 4, so this one class uses it.
 */
export class KafkaAccessAdmin {
  private admin: Admin | undefined;

  constructor(private readonly settings: KafkaSettings) {}

  /** Creates the user, or replaces its password. */
  async setScramPassword(user: string, password: string): Promise<void> {
    const salt = randomBytes(32);
    const saltedPassword = await derive(password, salt, SCRAM_ITERATIONS, 64, 'sha512');
    await this.withConnection((connection) =>
      alterUserScramCredentialsV0.api.async(
        connection,
        [],
        [
          {
            name: user,
            mechanism: ScramMechanisms.SCRAM_SHA_512,
            iterations: SCRAM_ITERATIONS,
            salt,
            saltedPassword,
          },
        ],
      ),
    );
  }

  async deleteScramUser(user: string): Promise<void> {
    await this.withConnection((connection) =>
      alterUserScramCredentialsV0.api
        .async(connection, [{ name: user, mechanism: ScramMechanisms.SCRAM_SHA_512 }], [])
        .catch((error: unknown) => {
          // A user that has no credential is already what was asked for.
          if (!/RESOURCE_NOT_FOUND|does not exist|not found/i.test(describeError(error)))
            throw error;
        }),
    );
  }

  /** The ACLs (of the kinds this platform sets) whose principal starts with `principalPrefix`. */
  aclsOf(principalPrefix: string): Promise<AclBinding[]> {
    return this.describeAcls(null, (principal) => principal.startsWith(principalPrefix));
  }

  /** The ACLs (of the kinds this platform sets) of exactly `principal`, filtered by the broker. */
  aclsOfPrincipal(principal: string): Promise<AclBinding[]> {
    return this.describeAcls(principal, (candidate) => candidate === principal);
  }

  /** Creates those of `acls` the broker does not hold yet. */
  async ensureAcls(acls: readonly AclBinding[]): Promise<number> {
    const principals = new Set(acls.map((acl) => acl.principal));
    const current = (
      await Promise.all([...principals].map((principal) => this.aclsOfPrincipal(principal)))
    ).flat();
    const { create } = aclChanges(current, acls);
    await this.createAcls(create);
    return create.length;
  }

  /** A service's user (password set or replaced) and its ACLs under a topic prefix. */
  async provisionService(app: AppName, password: string, topicPrefix: string): Promise<void> {
    await this.setScramPassword(serviceUser(app), password);
    await this.ensureAcls(serviceAcls(app, topicPrefix));
  }

  async createAcls(acls: readonly AclBinding[]): Promise<void> {
    if (acls.length === 0) return;
    await (await this.client()).createAcls({ creations: acls.map(toAcl) });
  }

  async deleteAcls(acls: readonly AclBinding[]): Promise<void> {
    if (acls.length === 0) return;
    await (await this.client()).deleteAcls({ filters: acls.map(toAcl) });
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.close();
  }

  private async describeAcls(
    principal: string | null,
    keep: (principal: string) => boolean,
  ): Promise<AclBinding[]> {
    const resources = await (
      await this.client()
    ).describeAcls({
      filter: {
        resourceType: ResourceTypes.ANY,
        resourceName: null,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal,
        host: null,
        operation: AclOperations.ANY,
        permissionType: AclPermissionTypes.ALLOW,
      },
    });
    return resources.flatMap((resource) =>
      resource.acls.flatMap((acl) => {
        const resourceType = RESOURCE_TYPE_NAMES.get(resource.resourceType);
        const pattern = PATTERN_NAMES.get(resource.resourcePatternType);
        const operation = OPERATION_NAMES.get(acl.operation);
        return resourceType && pattern && operation && keep(acl.principal)
          ? [
              {
                principal: acl.principal,
                resourceType,
                resourceName: resource.resourceName,
                pattern,
                operation,
              },
            ]
          : [];
      }),
    );
  }

  private client(): Promise<Admin> {
    this.admin ??= new Admin({
      clientId: `${this.settings.clientId}-access`,
      bootstrapBrokers: [...this.settings.brokers],
      ...this.connectionOptions(),
    });
    return Promise.resolve(this.admin);
  }

  private connectionOptions() {
    const sasl = this.settings.sasl;
    return {
      ...(this.settings.ssl ? { tls: {} } : {}),
      ...(sasl
        ? {
            sasl: {
              mechanism: sasl.mechanism.toUpperCase() as
                'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
              username: sasl.username,
              password: sasl.password,
            },
          }
        : {}),
      connectTimeout: 5_000,
      requestTimeout: 30_000,
    };
  }

  private async withConnection<T>(use: (connection: Connection) => Promise<T>): Promise<T> {
    const [host, port] = (this.settings.brokers[0] ?? '').split(':');
    const connection = new Connection(`${this.settings.clientId}-access`, this.connectionOptions());
    await connection.connect(host ?? '127.0.0.1', Number(port));
    try {
      return await use(connection);
    } finally {
      await connection.close();
    }
  }
}

function describeError(error: unknown): string {
  const cause = error as { message?: string; errors?: unknown; response?: unknown };
  return `${cause.message ?? ''} ${JSON.stringify(cause.response ?? cause.errors ?? '')}`;
}
