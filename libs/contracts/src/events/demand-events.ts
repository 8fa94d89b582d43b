import {
  DEPARTMENT_CODE_PATTERN,
  GUICHET_CODE_PATTERN,
  NUMERO_UNIQUE_PATTERN,
} from '../identifiers';
import { Topics } from '../topics';

/**
 * Demand events are state-carried: `data.demand` is the demand's full current state at
 * `demandversion`, so consumers never call the registration app back. The registration issue
 * extends the snapshot with the whole CERFA; this schema pins what every consumer relies on.
 */
export const DemandEventTypes = {
  Registered: 'sne.demand.registered.v1',
  Validated: 'sne.demand.validated.v1',
  Updated: 'sne.demand.updated.v1',
  Renewed: 'sne.demand.renewed.v1',
  Radiated: 'sne.demand.radiated.v1',
  Reactivated: 'sne.demand.reactivated.v1',
  ProcessingEventRecorded: 'sne.demand.processing-event-recorded.v1',
} as const;

export type DemandEventType = (typeof DemandEventTypes)[keyof typeof DemandEventTypes];

export const DEMAND_STATES = ['draft', 'awaiting-validation', 'active', 'radiated'] as const;
export type DemandState = (typeof DEMAND_STATES)[number];

export interface DemandSnapshot {
  numeroUnique: string;
  version: number;
  state: DemandState;
  /** INSEE department code of the territory the demand was registered in (e.g. `057`, `02A`). */
  department: string;
  guichetCode: string;
  depositDate: string;
  /** The rest of the CERFA data, owned by the registration app. */
  [field: string]: unknown;
}

export interface DemandEventData {
  demand: DemandSnapshot;
}

export const demandEventDataSchema = {
  $id: 'https://schemas.sne.example/demand-event-data.json',
  type: 'object',
  required: ['demand'],
  additionalProperties: false,
  properties: {
    demand: {
      type: 'object',
      required: ['numeroUnique', 'version', 'state', 'department', 'guichetCode', 'depositDate'],
      properties: {
        numeroUnique: { type: 'string', pattern: NUMERO_UNIQUE_PATTERN },
        version: { type: 'integer', minimum: 1 },
        state: { enum: [...DEMAND_STATES] },
        department: { type: 'string', pattern: DEPARTMENT_CODE_PATTERN },
        guichetCode: { type: 'string', pattern: GUICHET_CODE_PATTERN },
        depositDate: { type: 'string', format: 'date' },
      },
    },
  },
} as const;

export const demandEventsTopic = Topics.DemandEvents;
