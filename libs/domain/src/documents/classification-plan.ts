/**
 * The classification plan of supporting documents ("plan de classement"): categories, their
 * document types, short codes, sensitivity and how many documents a category holds at most. It is
 * data, versioned: a document records the plan version it was filed under, and a new plan is a new
 * value, never an edit of the one documents refer to.
 *
 * The categories and their order are the seeds' (the SNE search screen). The codes `IDD`/`CID` and
 * `LOGACT`/`JUSTL` are the register's (the journal screen); the other codes are this project's,
 * in the same style, until the register's own list is read.
 */

export interface DocumentTypeDefinition {
  /** 2-8 capital letters, unique within its category. */
  readonly code: string;
  readonly label: string;
  /** Overrides the category's sensitivity for this type. */
  readonly sensitive?: boolean;
}

export interface DocumentCategoryDefinition {
  /** 2-8 capital letters, unique within the plan. */
  readonly code: string;
  readonly label: string;
  /** Sensitive documents are seen only by "consultant sensible" and the registering guichets. */
  readonly sensitive: boolean;
  /** Documents of a demand this category holds at most (quarantined ones not counted). */
  readonly maxDocuments: number;
  /** The guichets' own documents: the applicant neither sees nor files them. */
  readonly internal?: boolean;
  readonly types: readonly DocumentTypeDefinition[];
}

export interface ClassificationPlan {
  readonly version: string;
  readonly categories: readonly DocumentCategoryDefinition[];
}

/** The relevance indicator of a document ("indice de pertinence", IndicePertinence). */
export const RELEVANCE_LABELS = {
  PR: 'Périmètre réglementaire',
  NV: 'Non vérifié',
  HP: 'Hors périmètre réglementaire',
} as const;
export type Relevance = keyof typeof RELEVANCE_LABELS;
export const RELEVANCES = Object.keys(RELEVANCE_LABELS) as Relevance[];
export const isRelevance = (value: unknown): value is Relevance =>
  typeof value === 'string' && Object.hasOwn(RELEVANCE_LABELS, value);

export const PLAN_CODE_PATTERN = '^[A-Z]{2,8}$';
const PLAN_CODE = new RegExp(PLAN_CODE_PATTERN);

/** The seeds' plan (2016): ten categories, up to 15 payslips under monthly resources. */
export const DEFAULT_CLASSIFICATION_PLAN: ClassificationPlan = {
  version: '2016.1',
  categories: [
    {
      code: 'IDD',
      label: 'Identité du demandeur',
      sensitive: false,
      maxDocuments: 5,
      types: [
        { code: 'CID', label: "Carte d'identité ou passeport du demandeur" },
        { code: 'TSD', label: 'Titre de séjour du demandeur' },
        { code: 'LIVFAM', label: 'Livret de famille' },
      ],
    },
    {
      code: 'REVFIS',
      label: 'Revenu fiscal',
      sensitive: true,
      maxDocuments: 6,
      types: [
        {
          code: 'AVIMP',
          label:
            "Avis d'imposition ou de non imposition (année N-2 et le cas échéant N-1) du demandeur et le cas échéant de son conjoint",
        },
      ],
    },
    {
      code: 'IDC',
      label: 'Identité du conjoint ou du co-titulaire',
      sensitive: false,
      maxDocuments: 5,
      types: [
        { code: 'CIC', label: "Carte d'identité ou passeport du conjoint ou co-titulaire" },
        { code: 'TSC', label: 'Titre de séjour du conjoint ou co-titulaire' },
      ],
    },
    {
      code: 'SITPRO',
      label: 'Situation professionnelle',
      sensitive: false,
      maxDocuments: 6,
      types: [
        { code: 'CTRAV', label: 'Contrat de travail ou attestation employeur' },
        { code: 'CETU', label: "Carte d'étudiant" },
        { code: 'ATFORM', label: 'Attestation de formation ou autre justificatif de situation' },
      ],
    },
    {
      code: 'RESMEN',
      label: 'Ressources mensuelles',
      sensitive: true,
      // The seeds: "la limite de la catégorie « fiche de paie » ... jusqu'à 15 documents".
      maxDocuments: 15,
      types: [
        { code: 'BULSAL', label: 'Bulletin de salaire (fiche de paie)' },
        { code: 'PRESTA', label: 'Justificatif de prestations sociales ou familiales' },
        { code: 'PENSION', label: 'Justificatif de pension ou de retraite' },
        { code: 'INDCHO', label: "Justificatif d'indemnités de chômage" },
      ],
    },
    {
      code: 'LOGACT',
      label: 'Logement actuel',
      sensitive: false,
      maxDocuments: 6,
      types: [
        { code: 'JUSTL', label: 'Quittance ou tout autre justificatif de loyer à jour' },
        { code: 'ATTHEB', label: "Attestation d'hébergement" },
        { code: 'JUGEXP', label: "Jugement d'expulsion", sensitive: true },
      ],
    },
    {
      code: 'MOTIF',
      label: 'Motifs',
      sensitive: true,
      maxDocuments: 6,
      types: [
        { code: 'JUSMOT', label: 'Justificatif du motif de la demande' },
        { code: 'CERTMED', label: 'Certificat médical' },
      ],
    },
    {
      code: 'PERCHA',
      label: 'Personnes à charge',
      sensitive: false,
      maxDocuments: 10,
      types: [
        { code: 'CIPAC', label: "Pièce d'identité d'une personne à charge" },
        { code: 'JUGGAR', label: 'Jugement de garde ou de droit de visite', sensitive: true },
        { code: 'CERGRO', label: 'Certificat de grossesse', sensitive: true },
      ],
    },
    {
      code: 'HANDI',
      label: 'Complément handicap',
      sensitive: true,
      maxDocuments: 5,
      types: [
        { code: 'CMI', label: "Carte mobilité inclusion ou carte d'invalidité" },
        { code: 'DECMDPH', label: 'Décision de la MDPH' },
      ],
    },
    {
      code: 'DOCINT',
      label: 'Documents internes',
      sensitive: true,
      internal: true,
      maxDocuments: 10,
      types: [
        { code: 'NOTEINT', label: 'Note interne du guichet' },
        { code: 'COURRI', label: 'Courrier échangé avec le demandeur' },
        // Where a scanned batch files what it splits, until a guichet qualifies it.
        { code: 'NUMPAP', label: 'Pièces numérisées à qualifier' },
      ],
    },
  ],
};

/** What is wrong with a plan: each problem once, in the plan's order. Empty when it is usable. */
export function planProblems(plan: ClassificationPlan): string[] {
  const problems: string[] = [];
  if (!plan.version.trim()) problems.push('the plan has no version');
  if (plan.categories.length === 0) problems.push('the plan has no category');
  const categories = new Set<string>();
  for (const category of plan.categories) {
    if (!PLAN_CODE.test(category.code))
      problems.push(`category code "${category.code}" is not 2-8 capital letters`);
    if (categories.has(category.code)) problems.push(`category ${category.code} appears twice`);
    categories.add(category.code);
    if (!Number.isInteger(category.maxDocuments) || category.maxDocuments < 1)
      problems.push(`category ${category.code}: maxDocuments must be a whole number above 0`);
    if (category.types.length === 0) problems.push(`category ${category.code} has no type`);
    const types = new Set<string>();
    for (const type of category.types) {
      if (!PLAN_CODE.test(type.code))
        problems.push(`type code "${category.code}/${type.code}" is not 2-8 capital letters`);
      if (types.has(type.code)) problems.push(`type ${category.code}/${type.code} appears twice`);
      types.add(type.code);
    }
  }
  return problems;
}

/** A category and type of the plan, resolved: labels, sensitivity, the category's limit. */
export interface Classification {
  readonly planVersion: string;
  readonly category: string;
  readonly categoryLabel: string;
  readonly documentType: string;
  readonly documentTypeLabel: string;
  readonly sensitive: boolean;
  readonly internal: boolean;
  readonly maxDocuments: number;
}

export type ClassificationRefusal = {
  readonly ok: false;
  readonly code: 'unknown-category' | 'unknown-document-type';
  readonly message: string;
};

export type ClassificationResult =
  { readonly ok: true; readonly value: Classification } | ClassificationRefusal;

export function findCategory(
  plan: ClassificationPlan,
  code: string,
): DocumentCategoryDefinition | undefined {
  return plan.categories.find((category) => category.code === code);
}

/** Resolves a (category, type) pair against the plan, or says which of the two is unknown. */
export function classify(
  plan: ClassificationPlan,
  categoryCode: string,
  typeCode: string,
): ClassificationResult {
  const category = findCategory(plan, categoryCode);
  if (!category) {
    return {
      ok: false,
      code: 'unknown-category',
      message: `unknown category "${categoryCode}" (plan ${plan.version}: ${plan.categories.map((c) => c.code).join(', ')})`,
    };
  }
  const type = category.types.find((candidate) => candidate.code === typeCode);
  if (!type) {
    return {
      ok: false,
      code: 'unknown-document-type',
      message: `unknown type "${typeCode}" in category ${category.code} (${category.types.map((t) => t.code).join(', ')})`,
    };
  }
  return {
    ok: true,
    value: {
      planVersion: plan.version,
      category: category.code,
      categoryLabel: category.label,
      documentType: type.code,
      documentTypeLabel: type.label,
      sensitive: type.sensitive ?? category.sensitive,
      internal: category.internal ?? false,
      maxDocuments: category.maxDocuments,
    },
  };
}

/** Whether one more document fits in a category that holds `current` documents already. */
export function categoryHasRoom(classification: Classification, current: number): boolean {
  return current < classification.maxDocuments;
}
