import { spreadsheetCsv } from '../csv';
import { type ClassificationPlan, findCategory } from './classification-plan';

/**
 * The journal of a demand's supporting documents (the seeds' "journal des pièces justificatives"):
 * every action, who did it and when, with the old and new values of a modification; searchable by
 * category, type, event type and dates, exported as CSV.
 */

export const JOURNAL_EVENT_LABELS = {
  creation: 'Création',
  'file-added': 'Ajout de fichier',
  modification: 'Modification',
  deletion: 'Suppression',
  quarantine: 'Mise en quarantaine',
  restoration: 'Restauration',
  purge: 'Purge',
} as const;
export type JournalEventType = keyof typeof JOURNAL_EVENT_LABELS;
export const JOURNAL_EVENT_TYPES = Object.keys(JOURNAL_EVENT_LABELS) as JournalEventType[];
export const isJournalEventType = (value: unknown): value is JournalEventType =>
  typeof value === 'string' && Object.hasOwn(JOURNAL_EVENT_LABELS, value);

/** A field of a document a modification may change, as the journal names it. */
export const JOURNAL_FIELDS = {
  documentType: 'TypePiece',
  relevance: 'IndicePertinence',
  validUntil: 'DateFinValidite',
} as const;
export type JournalField = keyof typeof JOURNAL_FIELDS;

export interface FieldChange {
  readonly field: JournalField;
  readonly from: string | null;
  readonly to: string | null;
}

export interface JournalEntry {
  readonly at: string;
  readonly numeroUnique: string;
  readonly documentId: string;
  readonly category: string;
  readonly documentType: string;
  readonly sensitive: boolean;
  readonly eventType: JournalEventType;
  /** Who acted, as audit logs name principals (`guichet:10691`), or `system`. */
  readonly by: string;
  readonly description: string;
  readonly changes?: readonly FieldChange[];
  readonly motive?: string;
}

/** The metadata a modification may change, before and after. */
export interface DocumentMetadata {
  readonly documentType: string;
  readonly relevance: string;
  readonly validUntil?: string | null;
}

/** The fields whose value differs, in a fixed order. */
export function metadataChanges(before: DocumentMetadata, after: DocumentMetadata): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of Object.keys(JOURNAL_FIELDS) as JournalField[]) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (from !== to) changes.push({ field, from, to });
  }
  return changes;
}

const piece = (category: string, type: string) =>
  `une pièce de catégorie ${category} et de type ${type}`;

/** The journal line's text, in the register's words (the seeds' journal screen). */
export function journalDescription(
  eventType: JournalEventType,
  category: string,
  documentType: string,
  extra: { changes?: readonly FieldChange[]; motive?: string; filename?: string } = {},
): string {
  const motive = extra.motive ? ` : Motif ${extra.motive}` : '';
  switch (eventType) {
    case 'creation':
      return `Ajout d'${piece(category, documentType)}`;
    case 'file-added':
      return `Ajout d'un fichier à ${piece(category, documentType)}${extra.filename ? ` (${extra.filename})` : ''}`;
    case 'modification':
      return [
        `Modification d'${piece(category, documentType)}.`,
        ...(extra.changes ?? []).map(
          (change) =>
            `Le champ ${JOURNAL_FIELDS[change.field]} est passé de la valeur ${change.from ?? '(vide)'} à la valeur ${change.to ?? '(vide)'}.`,
        ),
      ].join(' ');
    case 'deletion':
      return `Suppression d'${piece(category, documentType)}${motive}`;
    case 'quarantine':
      return `Mise en quarantaine suite à suppression d'${piece(category, documentType)}${motive}`;
    case 'restoration':
      return `Restauration d'${piece(category, documentType)}`;
    case 'purge':
      return `Purge du fichier d'${piece(category, documentType)} après la durée de quarantaine`;
  }
}

export interface JournalCriteria {
  readonly category?: string;
  readonly documentType?: string;
  readonly eventType?: JournalEventType;
  /** Inclusive, an ISO date (`2015-07-31`) or instant. */
  readonly from?: string;
  /** Inclusive: a date covers its whole day. */
  readonly to?: string;
}

/** Instants compare as strings once both are ISO in UTC; a bare end date covers its day. */
const upperBound = (to: string) => (to.length === 10 ? `${to}T23:59:59.999Z` : to);

/** The entries a search selects, newest first (the seeds' screen order). */
export function searchJournal(
  entries: readonly JournalEntry[],
  criteria: JournalCriteria,
): JournalEntry[] {
  return entries
    .filter(
      (entry) =>
        (!criteria.category || entry.category === criteria.category) &&
        (!criteria.documentType || entry.documentType === criteria.documentType) &&
        (!criteria.eventType || entry.eventType === criteria.eventType) &&
        (!criteria.from || entry.at >= criteria.from) &&
        (!criteria.to || entry.at <= upperBound(criteria.to)),
    )
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/**
 * The journal as CSV, the seeds' columns (category and type by label, event type, date, who,
 * description) plus the codes: `;`-separated with a UTF-8 byte order mark, as French spreadsheets
 * expect.
 */
export function journalCsv(entries: readonly JournalEntry[], plan: ClassificationPlan): string {
  const header = [
    'categorie',
    'type',
    'code_categorie',
    'code_type',
    'evenement',
    'date',
    'par',
    'description',
    'id_piece',
  ];
  const rows = entries.map((entry) => {
    const category = findCategory(plan, entry.category);
    const type = category?.types.find((candidate) => candidate.code === entry.documentType);
    return [
      category?.label ?? entry.category,
      type?.label ?? entry.documentType,
      entry.category,
      entry.documentType,
      JOURNAL_EVENT_LABELS[entry.eventType],
      entry.at,
      entry.by,
      entry.description,
      entry.documentId,
    ];
  });
  return spreadsheetCsv(header, rows);
}

/** A quarantined document's file is purged once the retention has passed. */
export function purgeDue(quarantinedAt: string, now: Date, retentionDays: number): boolean {
  return new Date(quarantinedAt).getTime() + retentionDays * 86_400_000 <= now.getTime();
}
