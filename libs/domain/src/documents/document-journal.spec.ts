import { DEFAULT_CLASSIFICATION_PLAN } from './classification-plan';
import {
  journalCsv,
  journalDescription,
  type JournalEntry,
  metadataChanges,
  purgeDue,
  searchJournal,
} from './document-journal';

const entry = (overrides: Partial<JournalEntry> = {}): JournalEntry => ({
  at: '2015-07-31T11:37:32.797Z',
  numeroUnique: '057 1215 073903 10691',
  documentId: 'd1',
  category: 'IDD',
  documentType: 'CID',
  sensitive: false,
  eventType: 'creation',
  by: 'guichet:10691',
  description: "Ajout d'une pièce de catégorie IDD et de type CID",
  ...overrides,
});

describe(journalDescription.name, () => {
  it("speaks the seeds' journal", () => {
    expect(journalDescription('creation', 'LOGACT', 'JUSTL')).toBe(
      "Ajout d'une pièce de catégorie LOGACT et de type JUSTL",
    );
    expect(journalDescription('file-added', 'IDD', 'CID')).toBe(
      "Ajout d'un fichier à une pièce de catégorie IDD et de type CID",
    );
    expect(journalDescription('deletion', 'IDD', 'CID', { motive: 'PGP : Non vérifié' })).toBe(
      "Suppression d'une pièce de catégorie IDD et de type CID : Motif PGP : Non vérifié",
    );
    expect(journalDescription('quarantine', 'IDD', 'CID', { motive: 'PGP : Non vérifié' })).toBe(
      "Mise en quarantaine suite à suppression d'une pièce de catégorie IDD et de type CID : Motif PGP : Non vérifié",
    );
  });

  it('gives the old and new value of each changed field', () => {
    expect(
      journalDescription('modification', 'LOGACT', 'JUSTL', {
        changes: [{ field: 'relevance', from: 'NV', to: 'PR' }],
      }),
    ).toBe(
      "Modification d'une pièce de catégorie LOGACT et de type JUSTL. Le champ IndicePertinence est passé de la valeur NV à la valeur PR.",
    );
  });
});

describe(metadataChanges.name, () => {
  it('lists the changed fields only, a missing date as null', () => {
    expect(
      metadataChanges(
        { documentType: 'CID', relevance: 'NV' },
        { documentType: 'CID', relevance: 'PR', validUntil: '2030-01-31' },
      ),
    ).toEqual([
      { field: 'relevance', from: 'NV', to: 'PR' },
      { field: 'validUntil', from: null, to: '2030-01-31' },
    ]);
    expect(
      metadataChanges(
        { documentType: 'CID', relevance: 'PR' },
        { documentType: 'CID', relevance: 'PR', validUntil: null },
      ),
    ).toEqual([]);
  });
});

describe(searchJournal.name, () => {
  const entries = [
    entry({ at: '2015-07-31T11:37:32.797Z' }),
    entry({ at: '2015-08-26T14:01:39.360Z', category: 'LOGACT', documentType: 'JUSTL' }),
    entry({
      at: '2015-08-27T14:01:21.239Z',
      category: 'LOGACT',
      documentType: 'JUSTL',
      eventType: 'modification',
    }),
    entry({ at: '2015-07-31T11:37:32.740Z', eventType: 'quarantine' }),
  ];

  it('answers newest first', () => {
    expect(searchJournal(entries, {}).map((e) => e.at)).toEqual([
      '2015-08-27T14:01:21.239Z',
      '2015-08-26T14:01:39.360Z',
      '2015-07-31T11:37:32.797Z',
      '2015-07-31T11:37:32.740Z',
    ]);
  });

  it('filters by category, type and event type', () => {
    expect(searchJournal(entries, { category: 'LOGACT' })).toHaveLength(2);
    expect(searchJournal(entries, { category: 'LOGACT', eventType: 'modification' })).toHaveLength(
      1,
    );
    expect(searchJournal(entries, { documentType: 'CID', eventType: 'quarantine' })).toEqual([
      entries[3],
    ]);
  });

  it('takes a date range whose end date covers its whole day', () => {
    expect(
      searchJournal(entries, { from: '2015-08-01', to: '2015-08-26' }).map((e) => e.at),
    ).toEqual(['2015-08-26T14:01:39.360Z']);
    expect(searchJournal(entries, { to: '2015-07-31' })).toHaveLength(2);
  });
});

describe(journalCsv.name, () => {
  it('writes labels and codes, `;`-separated, with a byte order mark', () => {
    const csv = journalCsv([entry()], DEFAULT_CLASSIFICATION_PLAN);
    const [header, line] = csv.replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(header).toBe(
      'categorie;type;code_categorie;code_type;evenement;date;par;description;id_piece',
    );
    expect(line).toBe(
      "Identité du demandeur;Carte d'identité ou passeport du demandeur;IDD;CID;Création;2015-07-31T11:37:32.797Z;guichet:10691;Ajout d'une pièce de catégorie IDD et de type CID;d1",
    );
  });

  it('quotes separators and defuses formulas', () => {
    const csv = journalCsv(
      [entry({ description: '=HYPERLINK("x");1', by: '+cmd' })],
      DEFAULT_CLASSIFICATION_PLAN,
    );
    expect(csv).toContain(`"'=HYPERLINK(""x"");1"`);
    expect(csv).toContain(";'+cmd;");
  });
});

describe(purgeDue.name, () => {
  it('is due once the retention has passed, to the millisecond', () => {
    const at = '2026-01-01T10:00:00.000Z';
    expect(purgeDue(at, new Date('2026-01-31T09:59:59.999Z'), 30)).toBe(false);
    expect(purgeDue(at, new Date('2026-01-31T10:00:00.000Z'), 30)).toBe(true);
  });
});
