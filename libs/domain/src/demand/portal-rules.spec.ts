import { aCoApplicant, anApplicant } from './demand.fixtures';
import { checkIdentity, isMemberOfCouple, portalValidationSchema } from './portal-rules';
import { validateBySchema } from './validate-demand';

const today = '2026-03-15';
const applicant = anApplicant({
  lastName: 'Lefèvre',
  birthName: 'Martin',
  firstName: 'Marie-Hélène',
});
const document = {
  document: 'CID' as const,
  mode: 'in-person' as const,
  lastName: 'LEFEVRE',
  firstName: 'Marie Helene',
  birthDate: applicant.birthDate,
};

describe(checkIdentity.name, () => {
  it('accepts the document under the spelling the duplicate check ignores, and keeps the check', () => {
    expect(checkIdentity(applicant, { ...document, validUntil: today }, today, '10691')).toEqual({
      ok: true,
      value: {
        document: 'CID',
        mode: 'in-person',
        validUntil: today,
        checkedOn: today,
        checkedBy: '10691',
      },
    });
    expect(checkIdentity(applicant, { ...document, lastName: 'martin' }, today, 'x').ok).toBe(true);
  });

  it('refuses another name or birth date, and an expired document, naming the field', () => {
    expect(checkIdentity(applicant, { ...document, firstName: 'Marie' }, today, 'x')).toMatchObject(
      {
        ok: false,
        code: 'identity-mismatch',
        path: '/identity/firstName',
      },
    );
    expect(
      checkIdentity(applicant, { ...document, birthDate: '1985-04-13' }, today, 'x'),
    ).toMatchObject({ code: 'identity-mismatch', path: '/identity/birthDate' });
    expect(
      checkIdentity(applicant, { ...document, validUntil: '2026-03-14' }, today, 'x'),
    ).toMatchObject({ code: 'identity-document-expired', path: '/identity/validUntil' });
  });

  it('has a closed schema for the validation body', () => {
    expect(validateBySchema(portalValidationSchema, { identity: document }).ok).toBe(true);
    expect(
      validateBySchema(portalValidationSchema, { identity: { ...document, document: 'X' } }),
    ).toMatchObject({ ok: false, issues: [{ path: '/identity/document' }] });
  });
});

describe(isMemberOfCouple.name, () => {
  const couple = { applicant: anApplicant({ familySituation: 'M' }), coApplicant: aCoApplicant() };

  it('recognises the applicant and the co-applicant whatever the spelling', () => {
    const partner = aCoApplicant();
    expect(
      isMemberOfCouple(couple, { ...partner, lastName: 'LEFEVRE', firstName: 'jean pierre' }),
    ).toBe(true);
    expect(isMemberOfCouple(couple, { ...couple.applicant, lastName: 'Martin' })).toBe(true);
  });

  it('refuses anyone else', () => {
    expect(
      isMemberOfCouple(couple, { lastName: 'Lefèvre', firstName: 'Paul', birthDate: '1983-11-02' }),
    ).toBe(false);
    expect(isMemberOfCouple({ applicant: couple.applicant }, aCoApplicant())).toBe(false);
  });
});
