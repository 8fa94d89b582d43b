import { readFileSync } from 'node:fs';
import { normalizeDepartment } from '../numero-unique';

/**
 * Communes by INSEE code. The department is read from the code itself (`57463` → `057`,
 * `2A004` → `02A`, overseas `97411` → `974`); whether a code exists is read from the
 * @etalab/decoupage-administratif data, loaded on first use only (8 MB of JSON).
 */

/** 5 characters: 2 for the department (or 2A/2B), 3 for the commune; overseas 97x/98x + 2. */
export const INSEE_COMMUNE_PATTERN = '^(?:[0-9]{2}|2[AB])[0-9]{3}$';
const INSEE_COMMUNE = new RegExp(INSEE_COMMUNE_PATTERN);

export function isInseeCommuneCode(code: string): boolean {
  return INSEE_COMMUNE.test(code);
}

/** The department of a commune on 3 characters, like a demand's and a numéro unique's. */
export function departmentOfCommune(code: string): string | undefined {
  if (!isInseeCommuneCode(code)) return undefined;
  return normalizeDepartment(/^9[78]/.test(code) ? code.slice(0, 3) : code.slice(0, 2));
}

/** Whether a commune lies in a department (both codes in any usual form: `57`, `057`, `2a`). */
export function isCommuneInDepartment(commune: string, department: string): boolean {
  const own = departmentOfCommune(commune);
  if (!own) return false;
  try {
    return own === normalizeDepartment(department);
  } catch {
    return false;
  }
}

/** What the rules need of a commune directory; tests and apps may pass their own. */
export interface CommuneDirectory {
  has(inseeCode: string): boolean;
}

interface EtalabCommune {
  readonly code: string;
  readonly type: string;
}

/**
 * Current communes and the municipal arrondissements of Paris, Lyon and Marseille (demands wish
 * for them by arrondissement). Former codes of merged communes (communes déléguées or associées)
 * are not accepted: a demand must name a commune as it is today.
 */
const ACCEPTED_TYPES = new Set(['commune-actuelle', 'arrondissement-municipal']);

let etalab: CommuneDirectory | undefined;

export function etalabCommunes(): CommuneDirectory {
  if (!etalab) {
    const file = require.resolve('@etalab/decoupage-administratif/data/communes.json');
    const communes = JSON.parse(readFileSync(file, 'utf8')) as readonly EtalabCommune[];
    etalab = new Set(
      communes.filter((commune) => ACCEPTED_TYPES.has(commune.type)).map(({ code }) => code),
    );
  }
  return etalab;
}

export function isKnownCommune(
  code: string,
  directory: CommuneDirectory = etalabCommunes(),
): boolean {
  return isInseeCommuneCode(code) && directory.has(code);
}
