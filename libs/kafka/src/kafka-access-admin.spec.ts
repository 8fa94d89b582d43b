import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import { type AclBinding, guichetAcls } from './kafka-access';
import { KafkaAccessAdmin } from './kafka-access-admin';

const SETTINGS = { brokers: ['127.0.0.1:1'], clientId: 'spec', ssl: false, topicPrefix: 'p.' };

/** A broker answering DescribeAcls with these read grants on topic `t`, whatever the filter. */
function brokerHolding(principals: string[]) {
  const describe = jest.spyOn(Admin.prototype, 'describeAcls').mockResolvedValue([
    {
      resourceType: ResourceTypes.TOPIC,
      resourceName: 't',
      resourcePatternType: ResourcePatternTypes.LITERAL,
      acls: principals.map((principal) => ({
        principal,
        host: '*',
        operation: AclOperations.READ,
        permissionType: AclPermissionTypes.ALLOW,
      })),
    },
  ] as never);
  const create = jest.spyOn(Admin.prototype, 'createAcls').mockResolvedValue(undefined);
  const filters = () => describe.mock.calls.map(([options]) => options.filter.principal);
  return { create, filters };
}

const readOf = (principal: string): AclBinding => ({
  principal,
  resourceType: 'topic',
  resourceName: 't',
  pattern: 'literal',
  operation: 'read',
});

describe('KafkaAccessAdmin', () => {
  const admin = new KafkaAccessAdmin(SETTINGS);

  beforeEach(() => jest.spyOn(Admin.prototype, 'close').mockResolvedValue(undefined));
  afterEach(async () => {
    await admin.close();
    jest.restoreAllMocks();
  });

  it("asks the broker for one principal's ACLs and keeps that principal's only", async () => {
    const broker = brokerHolding(['User:guichet-KP751', 'User:guichet-KP7510']);
    expect(await admin.aclsOfPrincipal('User:guichet-KP751')).toEqual([
      readOf('User:guichet-KP751'),
    ]);
    expect(broker.filters()).toEqual(['User:guichet-KP751']);
  });

  it('reads every principal to find those under a prefix', async () => {
    const broker = brokerHolding(['User:guichet-KP751', 'User:guichet-KP7510', 'User:sne-x']);
    expect(await admin.aclsOf('User:guichet-')).toEqual([
      readOf('User:guichet-KP751'),
      readOf('User:guichet-KP7510'),
    ]);
    expect(broker.filters()).toEqual([null]);
  });

  it("creates only the ACLs missing from each principal's own", async () => {
    const missing = guichetAcls('KP751', 'p.');
    const principal = missing[0].principal;
    const broker = brokerHolding([principal]);
    expect(await admin.ensureAcls([readOf(principal), ...missing])).toBe(missing.length);
    expect(broker.filters()).toEqual([principal]);
    const [[request]] = broker.create.mock.calls as unknown as [[{ creations: unknown[] }]];
    expect(request.creations).toHaveLength(missing.length);
  });
});
