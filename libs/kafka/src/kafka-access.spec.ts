import { TOPIC_SPECS, Topics } from '@sne/contracts';
import {
  type AclBinding,
  aclChanges,
  guichetAcls,
  guichetUser,
  KAFKA_SERVICES,
  serviceAcls,
} from './kafka-access';

const on = (acls: AclBinding[], resourceName: string) =>
  acls.filter((acl) => acl.resourceName === resourceName).map((acl) => acl.operation);

describe('service ACLs', () => {
  it('let each service write what it produces and read what it consumes, nothing else', () => {
    for (const app of KAFKA_SERVICES) {
      const acls = serviceAcls(app, 'p.');
      for (const spec of TOPIC_SPECS) {
        const operations = on(acls, `p.${spec.name}`);
        expect(operations.includes('write')).toBe(spec.producers.includes(app));
        expect(operations.includes('read')).toBe(spec.consumers.includes(app));
      }
      expect(acls.every((acl) => acl.principal === `User:sne-${app}`)).toBe(true);
    }
  });

  it('keep every resource under the prefix and groups under the app name', () => {
    const acls = serviceAcls('renewal-notices', 'test.x.');
    expect(
      acls
        .filter((acl) => acl.resourceType !== 'cluster')
        .every((acl) => acl.resourceName.startsWith('test.x.')),
    ).toBe(true);
    expect(acls.filter((acl) => acl.resourceType === 'group')).toEqual([
      expect.objectContaining({ resourceName: 'test.x.sne.renewal-notices', pattern: 'prefixed' }),
      expect.objectContaining({ resourceName: 'test.x.sne.renewal-notices', pattern: 'prefixed' }),
    ]);
    expect(acls.some((acl) => acl.resourceType === 'cluster')).toBe(false);
  });

  it('give the dispatcher the guichet logs and the cluster ALTER it needs to set ACLs', () => {
    const acls = serviceAcls('dispatching', '');
    expect(on(acls, 'sne.guichet.').sort()).toEqual(
      ['create', 'describe', 'describe', 'describe-configs', 'read', 'read', 'write'].sort(),
    );
    expect(on(acls, 'kafka-cluster').sort()).toEqual(['alter', 'describe']);
    expect(on(acls, Topics.DemandEvents)).toEqual(['read', 'describe']);
    expect(on(acls, Topics.DeadLetter)).toEqual(['write', 'describe']);
  });
});

describe('guichet ACLs', () => {
  it('name its own log and its own groups, nothing of another guichet', () => {
    expect(guichetAcls('057AB', 'p.')).toEqual([
      {
        principal: 'User:guichet-057AB',
        resourceType: 'topic',
        resourceName: 'p.sne.guichet.057AB.deliveries.v1',
        pattern: 'literal',
        operation: 'read',
      },
      {
        principal: 'User:guichet-057AB',
        resourceType: 'topic',
        resourceName: 'p.sne.guichet.057AB.deliveries.v1',
        pattern: 'literal',
        operation: 'describe',
      },
      {
        principal: 'User:guichet-057AB',
        resourceType: 'group',
        resourceName: 'p.sne.guichet.057AB',
        pattern: 'prefixed',
        operation: 'read',
      },
      {
        principal: 'User:guichet-057AB',
        resourceType: 'group',
        resourceName: 'p.sne.guichet.057AB',
        pattern: 'prefixed',
        operation: 'describe',
      },
    ]);
  });

  it('refuse a code that is not a guichet code', () => {
    expect(() => guichetUser('../x')).toThrow(/invalid guichet code/);
    expect(() => guichetAcls('057A', '')).toThrow(/invalid guichet code/);
  });
});

describe('aclChanges', () => {
  it('creates what is missing and removes what is not wanted, leaving the rest', () => {
    const [a, b] = guichetAcls('057AB', '');
    const [c] = guichetAcls('075CD', '');
    expect(aclChanges([a, c], [a, b])).toEqual({ create: [b], remove: [c] });
    expect(aclChanges([a, b], [b, a])).toEqual({ create: [], remove: [] });
  });
});
