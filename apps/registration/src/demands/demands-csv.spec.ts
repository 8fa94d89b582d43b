import { aDemand, anApplicant } from '@sne/domain';
import { demandsCsv } from './demands-csv';

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
