import { aDemand, anApplicant } from '@sne/domain';
import { csvField, demandsCsv } from './demands-csv';

describe(csvField.name, () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(csvField('Le Fèvre; Martin')).toBe('"Le Fèvre; Martin"');
    expect(csvField('dit "Jo"')).toBe('"dit ""Jo"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField(undefined)).toBe('');
  });

  it('defuses what a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+33612345678')).toBe("'+33612345678");
    expect(csvField('-1')).toBe("'-1");
  });
});

describe(demandsCsv.name, () => {
  it('writes a header and one line per demand, with a byte order mark', () => {
    const demand = {
      ...aDemand({ applicant: anApplicant({ lastName: "N'Diaye", firstName: 'Zoé' }) }),
      numeroUnique: '057 0525 000123 10691',
    };
    const [header, line, end] = demandsCsv([demand]).split('\r\n');
    expect(header.startsWith('\uFEFFnumero_unique;etat;departement')).toBe(true);
    expect(line).toContain('057 0525 000123 10691;active;057;');
    expect(line).toContain(";N'Diaye;Zoé;");
    expect(end).toBe('');
  });
});
