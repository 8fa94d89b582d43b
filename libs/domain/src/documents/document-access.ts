/**
 * Who sees which supporting documents (DOMAIN.md, "Sensitivity"): the territory is checked first,
 * elsewhere; within it the profile decides. The profiles are the operator roles of the platform
 * plus the registering guichets; the domain names them without depending on the auth library.
 */
export type DocumentProfile =
  | 'applicant'
  | 'guichet'
  | 'national-admin'
  | 'territorial-manager'
  | 'consultant-simple'
  | 'consultant-demande'
  | 'consultant-sensible';

export interface DocumentAccess {
  /** The document appears in the demand's list (and its journal lines). */
  readonly listed: boolean;
  /** Its file may be downloaded. */
  readonly content: boolean;
}

const NONE: DocumentAccess = { listed: false, content: false };

function accessOf(profile: DocumentProfile, sensitive: boolean, internal: boolean): DocumentAccess {
  switch (profile) {
    // Their own demand's documents (checked elsewhere), sensitive or not; not the guichets' notes.
    case 'applicant':
      return internal ? NONE : { listed: true, content: true };
    case 'guichet':
    case 'national-admin':
    case 'territorial-manager':
    case 'consultant-sensible':
      return { listed: true, content: true };
    case 'consultant-demande':
      return sensitive ? NONE : { listed: true, content: true };
    case 'consultant-simple':
      return sensitive ? NONE : { listed: true, content: false };
  }
}

/** The widest access any of the caller's profiles gives on a document. */
export function documentAccess(
  profiles: readonly DocumentProfile[],
  sensitive: boolean,
  internal = false,
): DocumentAccess {
  return profiles.reduce<DocumentAccess>((widest, profile) => {
    const access = accessOf(profile, sensitive, internal);
    return {
      listed: widest.listed || access.listed,
      content: widest.content || access.content,
    };
  }, NONE);
}

/** Adding, changing, deleting and restoring documents: guichets and managers, not consultants. */
export function canManageDocuments(profiles: readonly DocumentProfile[]): boolean {
  return profiles.some(
    (profile) =>
      profile === 'guichet' || profile === 'national-admin' || profile === 'territorial-manager',
  );
}

/** The applicant adds and deletes their own documents on the portal, outside internal categories. */
export function applicantManages(internal: boolean): boolean {
  return !internal;
}

/** A demand takes new documents while it is alive: active or awaiting a guichet's validation. */
export function acceptsDocuments(demandState: string): boolean {
  return demandState === 'active' || demandState === 'awaiting-validation';
}
