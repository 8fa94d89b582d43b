import {
  categoryHasRoom,
  classify,
  type ClassificationPlan,
  DEFAULT_CLASSIFICATION_PLAN,
  planProblems,
} from './classification-plan';

describe('DEFAULT_CLASSIFICATION_PLAN', () => {
  it('is a usable plan', () => {
    expect(planProblems(DEFAULT_CLASSIFICATION_PLAN)).toEqual([]);
  });

  it("holds the seeds' ten categories in the seeds' order", () => {
    expect(DEFAULT_CLASSIFICATION_PLAN.categories.map((category) => category.label)).toEqual([
      'Identité du demandeur',
      'Revenu fiscal',
      'Identité du conjoint ou du co-titulaire',
      'Situation professionnelle',
      'Ressources mensuelles',
      'Logement actuel',
      'Motifs',
      'Personnes à charge',
      'Complément handicap',
      'Documents internes',
    ]);
  });

  it("keeps the register's codes seen in the journal screen", () => {
    const idCard = classify(DEFAULT_CLASSIFICATION_PLAN, 'IDD', 'CID');
    const rent = classify(DEFAULT_CLASSIFICATION_PLAN, 'LOGACT', 'JUSTL');
    expect(idCard).toMatchObject({
      ok: true,
      value: { documentTypeLabel: "Carte d'identité ou passeport du demandeur" },
    });
    expect(rent).toMatchObject({
      ok: true,
      value: { documentTypeLabel: 'Quittance ou tout autre justificatif de loyer à jour' },
    });
  });

  it('takes up to 15 payslips', () => {
    const payslip = classify(DEFAULT_CLASSIFICATION_PLAN, 'RESMEN', 'BULSAL');
    if (!payslip.ok) throw new Error(payslip.message);
    expect(categoryHasRoom(payslip.value, 14)).toBe(true);
    expect(categoryHasRoom(payslip.value, 15)).toBe(false);
  });
});

describe(classify.name, () => {
  it('resolves labels, sensitivity, the limit and the plan version', () => {
    expect(classify(DEFAULT_CLASSIFICATION_PLAN, 'HANDI', 'CMI')).toEqual({
      ok: true,
      value: {
        planVersion: DEFAULT_CLASSIFICATION_PLAN.version,
        category: 'HANDI',
        categoryLabel: 'Complément handicap',
        documentType: 'CMI',
        documentTypeLabel: "Carte mobilité inclusion ou carte d'invalidité",
        sensitive: true,
        internal: false,
        maxDocuments: 5,
      },
    });
    expect(classify(DEFAULT_CLASSIFICATION_PLAN, 'DOCINT', 'NOTEINT')).toMatchObject({
      ok: true,
      value: { internal: true },
    });
  });

  it("lets a type override its category's sensitivity", () => {
    const eviction = classify(DEFAULT_CLASSIFICATION_PLAN, 'LOGACT', 'JUGEXP');
    const receipt = classify(DEFAULT_CLASSIFICATION_PLAN, 'LOGACT', 'JUSTL');
    expect(eviction.ok && eviction.value.sensitive).toBe(true);
    expect(receipt.ok && receipt.value.sensitive).toBe(false);
  });

  it('names the unknown category and lists the known ones', () => {
    const result = classify(DEFAULT_CLASSIFICATION_PLAN, 'XYZ', 'CID');
    expect(result).toMatchObject({ ok: false, code: 'unknown-category' });
    expect(!result.ok && result.message).toContain('IDD, REVFIS');
  });

  it('refuses a type of another category', () => {
    expect(classify(DEFAULT_CLASSIFICATION_PLAN, 'IDD', 'JUSTL')).toMatchObject({
      ok: false,
      code: 'unknown-document-type',
    });
  });
});

describe(planProblems.name, () => {
  const plan = (overrides: Partial<ClassificationPlan> = {}): ClassificationPlan => ({
    version: '2',
    categories: [
      {
        code: 'AA',
        label: 'A',
        sensitive: false,
        maxDocuments: 1,
        types: [{ code: 'T', label: 't' }],
      },
    ],
    ...overrides,
  });

  it('reports bad codes, repeated codes, limits below one and empty categories', () => {
    const problems = planProblems(
      plan({
        version: ' ',
        categories: [
          { code: 'AA', label: 'A', sensitive: false, maxDocuments: 0, types: [] },
          {
            code: 'AA',
            label: 'B',
            sensitive: false,
            maxDocuments: 2,
            types: [
              { code: 'bad', label: 'x' },
              { code: 'OK', label: 'y' },
              { code: 'OK', label: 'z' },
            ],
          },
        ],
      }),
    );
    expect(problems).toEqual([
      'the plan has no version',
      'category AA: maxDocuments must be a whole number above 0',
      'category AA has no type',
      'category AA appears twice',
      'type code "AA/bad" is not 2-8 capital letters',
      'type AA/OK appears twice',
    ]);
  });

  it('accepts a minimal plan', () => {
    expect(planProblems(plan())).toEqual(['type code "AA/T" is not 2-8 capital letters']);
    expect(
      planProblems(
        plan({
          categories: [
            {
              code: 'AA',
              label: 'A',
              sensitive: false,
              maxDocuments: 1,
              types: [{ code: 'TT', label: 't' }],
            },
          ],
        }),
      ),
    ).toEqual([]);
  });
});
