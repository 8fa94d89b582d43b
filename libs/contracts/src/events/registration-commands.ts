export const RegistrationCommandTypes = {
  RadiateForNonRenewal: 'sne.registration.radiate-for-non-renewal.v1',
} as const;

export type RegistrationCommandType =
  (typeof RegistrationCommandTypes)[keyof typeof RegistrationCommandTypes];

export interface RadiateForNonRenewalData {
  numeroUnique: string;
  /** The anniversary that was missed (YYYY-MM-DD). */
  cycle: string;
  /** The demand version the renewal-notices app saw: a renewal after it cancels the command. */
  expectedVersion: number;
}

export const radiateForNonRenewalDataSchema = {
  $id: 'https://schemas.sne.example/radiate-for-non-renewal-data.json',
  type: 'object',
  required: ['numeroUnique', 'cycle', 'expectedVersion'],
  additionalProperties: false,
  properties: {
    numeroUnique: { type: 'string', minLength: 1 },
    cycle: { type: 'string', format: 'date' },
    expectedVersion: { type: 'integer', minimum: 1 },
  },
} as const;
