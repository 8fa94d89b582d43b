import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { CloudEvent } from './envelope';
import { cloudEventSchema } from './envelope';
import { EVENT_CATALOG, catalogEntry } from './event-catalog';

/** One reason an input was refused: where (a JSON pointer into the input) and why. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);

const validateEnvelope = ajv.compile(cloudEventSchema);
const dataValidators = new Map<string, ValidateFunction>(
  EVENT_CATALOG.map((entry) => [entry.type, ajv.compile(entry.dataSchema)]),
);

function toIssues(errors: ErrorObject[] | null | undefined, base = ''): ValidationIssue[] {
  return (errors ?? []).map((error) => {
    const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
    const extra =
      error.keyword === 'additionalProperties' ? `/${String(error.params.additionalProperty)}` : '';
    const allowed =
      error.keyword === 'enum' ? `: ${JSON.stringify(error.params.allowedValues)}` : '';
    return {
      path: `${base}${error.instancePath}${missing}${extra}` || '/',
      message: `${error.message ?? 'is invalid'}${allowed}`,
    };
  });
}

/** A validator for any JSON Schema (2020-12), reporting issues the same way as events. */
export function createValidator<T>(
  schema: Readonly<Record<string, unknown>>,
): (input: unknown) => ValidationResult<T> {
  const validate = ajv.compile(schema);
  return (input) =>
    validate(input)
      ? { ok: true, value: input as T }
      : { ok: false, issues: toIssues(validate.errors) };
}

/** Checks an envelope and, by its type, its data. Unknown types are refused. */
export function validateEvent(input: unknown): ValidationResult<CloudEvent> {
  if (!validateEnvelope(input)) {
    return { ok: false, issues: toIssues(validateEnvelope.errors) };
  }
  const event = input as unknown as CloudEvent;
  const validateData = dataValidators.get(event.type);
  if (!validateData || !catalogEntry(event.type)) {
    return {
      ok: false,
      issues: [{ path: '/type', message: `unknown event type "${event.type}"` }],
    };
  }
  if (!validateData(event.data)) {
    return { ok: false, issues: toIssues(validateData.errors, '/data') };
  }
  return { ok: true, value: event };
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
}
