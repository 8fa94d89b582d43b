import { isPersonDemand, spreadsheetCsv } from '@sne/domain';
import type { RegisteredDemand } from './demand.repository';

const COLUMNS: ReadonlyArray<[string, (demand: RegisteredDemand) => string | undefined]> = [
  ['numero_unique', (d) => d.numeroUnique],
  ['etat', (d) => d.state],
  ['departement', (d) => d.department],
  ['date_depot', (d) => d.depositDate],
  ['date_renouvellement', (d) => d.anniversaryDate],
  ['nom', (d) => (isPersonDemand(d) ? d.applicant.lastName : d.applicant.name)],
  ['prenom', (d) => (isPersonDemand(d) ? d.applicant.firstName : undefined)],
  ['date_naissance', (d) => (isPersonDemand(d) ? d.applicant.birthDate : undefined)],
  ['communes_souhaitees', (d) => d.wishedHousing.communes.join(' ')],
  ['motifs', (d) => (isPersonDemand(d) ? d.motives.join(' ') : undefined)],
  ['motif_radiation', (d) => d.radiation?.motive],
  ['date_radiation', (d) => d.radiation?.date],
];

/** The search results as CSV: `;`-separated with a UTF-8 byte order mark, as French spreadsheets expect. */
export function demandsCsv(demands: readonly RegisteredDemand[]): string {
  return spreadsheetCsv(
    COLUMNS.map(([name]) => name),
    demands.map((demand) => COLUMNS.map(([, value]) => value(demand))),
  );
}
