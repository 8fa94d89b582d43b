import type { Principal } from '@sne/auth';
import { seesBatch } from './batches.service';

const operator = (roles: string[], territory: string[] | 'all', id = 'someone'): Principal => ({
  kind: 'operator',
  id,
  roles: roles as never,
  territory,
});
const metzGuichet: Principal = {
  kind: 'guichet',
  id: '10691',
  guichetType: 'landlord',
  territory: ['057'],
};
const batchOf = (principal: Principal, uploadedBy: string) => ({ principal, uploadedBy });

describe(seesBatch.name, () => {
  const metzBatch = batchOf(metzGuichet, 'guichet:10691');

  it("shows a territorial manager the batches of their territory's uploaders only", () => {
    expect(seesBatch(operator(['territorial-manager'], ['057', '054']), metzBatch)).toBe(true);
    expect(seesBatch(operator(['territorial-manager'], ['075']), metzBatch)).toBe(false);
    const national = batchOf(operator(['national-admin'], 'all', 'admin'), 'operator:admin');
    expect(seesBatch(operator(['territorial-manager'], ['057']), national)).toBe(false);
  });

  it('shows a national admin every batch, anyone else their own', () => {
    expect(seesBatch(operator(['national-admin'], 'all'), metzBatch)).toBe(true);
    expect(seesBatch(metzGuichet, metzBatch)).toBe(true);
    expect(seesBatch({ ...metzGuichet, id: '10692' }, metzBatch)).toBe(false);
    expect(seesBatch(operator(['consultant-sensible'], ['057']), metzBatch)).toBe(false);
  });
});
