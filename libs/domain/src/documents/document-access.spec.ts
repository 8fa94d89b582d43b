import { acceptsDocuments, canManageDocuments, documentAccess } from './document-access';

describe(documentAccess.name, () => {
  it.each([
    ['consultant-simple', false, { listed: true, content: false }],
    ['consultant-simple', true, { listed: false, content: false }],
    ['consultant-demande', false, { listed: true, content: true }],
    ['consultant-demande', true, { listed: false, content: false }],
    ['consultant-sensible', true, { listed: true, content: true }],
    ['guichet', true, { listed: true, content: true }],
    ['territorial-manager', true, { listed: true, content: true }],
  ] as const)('%s on a document sensitive=%s: %j', (profile, sensitive, access) => {
    expect(documentAccess([profile], sensitive)).toEqual(access);
  });

  it('gives the widest access of several profiles', () => {
    expect(documentAccess(['consultant-simple', 'consultant-demande'], false)).toEqual({
      listed: true,
      content: true,
    });
    expect(documentAccess(['consultant-simple', 'consultant-sensible'], true)).toEqual({
      listed: true,
      content: true,
    });
  });

  it("shows applicants their own documents, sensitive ones included, not the guichets' internal ones", () => {
    expect(documentAccess(['applicant'], true)).toEqual({ listed: true, content: true });
    expect(documentAccess(['applicant'], true, true)).toEqual({ listed: false, content: false });
    expect(documentAccess(['guichet'], true, true)).toEqual({ listed: true, content: true });
  });

  it('gives nothing without a profile', () => {
    expect(documentAccess([], false)).toEqual({ listed: false, content: false });
  });
});

describe(canManageDocuments.name, () => {
  it('lets guichets and managers change documents, not consultants', () => {
    expect(canManageDocuments(['guichet'])).toBe(true);
    expect(canManageDocuments(['territorial-manager'])).toBe(true);
    expect(canManageDocuments(['consultant-sensible', 'consultant-demande'])).toBe(false);
  });
});

describe(acceptsDocuments.name, () => {
  it('takes documents for active demands and those awaiting validation only', () => {
    expect(acceptsDocuments('active')).toBe(true);
    expect(acceptsDocuments('awaiting-validation')).toBe(true);
    expect(acceptsDocuments('radiated')).toBe(false);
    expect(acceptsDocuments('draft')).toBe(false);
  });
});
