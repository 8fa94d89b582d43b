import type { FieldCatalog, FieldDefinition } from './fields';
import { PREDICATE_OPERATORS, type Rule } from './rule';

/** Why a rule was refused: a JSON pointer into the rule and the reason. */
export interface RuleIssue {
  readonly path: string;
  readonly message: string;
}

export type RuleValidation =
  | { readonly ok: true; readonly rule: Rule }
  | { readonly ok: false; readonly issues: readonly RuleIssue[] };

const MAX_DEPTH = 16;
const MAX_NODES = 2_000;
const MAX_LIST = 5_000;

const describe = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

/**
 * Checks that `input` is a rule over the catalog's fields: structure, operators, field names,
 * value types. Every problem is reported, each with its path; nothing is coerced.
 */
export function validateRule(input: unknown, catalog: FieldCatalog): RuleValidation {
  const issues: RuleIssue[] = [];
  let nodes = 0;

  const visit = (node: unknown, path: string, fields: FieldCatalog, depth: number): void => {
    nodes++;
    if (nodes > MAX_NODES) {
      if (nodes === MAX_NODES + 1)
        issues.push({ path, message: `a rule has at most ${MAX_NODES} nodes` });
      return;
    }
    if (depth > MAX_DEPTH) {
      issues.push({ path, message: `rules nest at most ${MAX_DEPTH} levels deep` });
      return;
    }
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      issues.push({
        path,
        message: `must be an object (a predicate, all, any or not), not ${describe(node)}`,
      });
      return;
    }
    const keys = Object.keys(node);
    const record = node as Record<string, unknown>;
    if ('all' in record || 'any' in record) {
      const key = 'all' in record ? 'all' : 'any';
      if (keys.length !== 1) {
        issues.push({
          path,
          message: `"${key}" stands alone; found also ${keys.filter((k) => k !== key).join(', ')}`,
        });
      }
      const children = record[key];
      if (!Array.isArray(children) || children.length === 0) {
        issues.push({ path: `${path}/${key}`, message: 'must be a non-empty array of rules' });
        return;
      }
      children.forEach((child, index) =>
        visit(child, `${path}/${key}/${index}`, fields, depth + 1),
      );
      return;
    }
    if ('not' in record) {
      if (keys.length !== 1) issues.push({ path, message: '"not" stands alone' });
      visit(record.not, `${path}/not`, fields, depth + 1);
      return;
    }
    if (!('field' in record)) {
      issues.push({
        path,
        message: `unknown rule: expected "field", "all", "any" or "not", found ${keys.join(', ') || 'nothing'}`,
      });
      return;
    }
    validatePredicate(record, path, fields, depth);
  };

  const validatePredicate = (
    record: Record<string, unknown>,
    path: string,
    fields: FieldCatalog,
    depth: number,
  ): void => {
    const fieldName = record.field;
    if (typeof fieldName !== 'string') {
      issues.push({ path: `${path}/field`, message: 'must be a field name' });
      return;
    }
    const definition = fields[fieldName];
    if (!definition) {
      issues.push({
        path: `${path}/field`,
        message: `unknown field "${fieldName}"; known fields: ${Object.keys(fields).join(', ')}`,
      });
      return;
    }
    const operators = Object.keys(record).filter((key) => key !== 'field');
    const unknown = operators.filter(
      (key) => !(PREDICATE_OPERATORS as readonly string[]).includes(key),
    );
    if (unknown.length > 0) {
      issues.push({
        path: `${path}/${unknown[0]}`,
        message: `unknown operator "${unknown[0]}"; operators: ${PREDICATE_OPERATORS.join(', ')}`,
      });
      return;
    }
    if (operators.length !== 1) {
      issues.push({
        path,
        message: `a predicate has exactly one operator; found ${operators.length ? operators.join(', ') : 'none'}`,
      });
      return;
    }
    const operator = operators[0] as (typeof PREDICATE_OPERATORS)[number];
    const value = record[operator];
    const at = `${path}/${operator}`;
    switch (operator) {
      case 'equals':
        checkScalar(value, definition, at, fieldName);
        break;
      case 'anyOf':
      case 'anythingBut':
        if (!Array.isArray(value) || value.length === 0) {
          issues.push({ path: at, message: 'must be a non-empty array of values' });
        } else if (value.length > MAX_LIST) {
          issues.push({ path: at, message: `at most ${MAX_LIST} values` });
        } else {
          value.forEach((item, index) =>
            checkScalar(item, definition, `${at}/${index}`, fieldName),
          );
        }
        break;
      case 'prefix':
        if (definition.type !== 'string') {
          issues.push({
            path: at,
            message: `prefix applies to text fields; "${fieldName}" is a ${definition.type}`,
          });
        } else if (typeof value !== 'string' || value.length === 0) {
          issues.push({ path: at, message: 'must be a non-empty string' });
        }
        break;
      case 'range':
        checkRange(value, definition, at, fieldName);
        break;
      case 'exists':
        if (typeof value !== 'boolean') issues.push({ path: at, message: 'must be true or false' });
        break;
      case 'anyElement':
        if (!definition.elementFields) {
          issues.push({
            path: at,
            message: `anyElement applies to lists of objects; "${fieldName}" is not one`,
          });
        } else {
          visit(value, at, definition.elementFields, depth + 1);
        }
        break;
    }
  };

  const checkScalar = (
    value: unknown,
    definition: FieldDefinition,
    path: string,
    fieldName: string,
  ) => {
    if (definition.type === 'object') {
      issues.push({ path, message: `"${fieldName}" holds objects: use anyElement or exists` });
      return;
    }
    const ok =
      definition.type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : typeof value === definition.type;
    if (!ok)
      issues.push({
        path,
        message: `must be a ${definition.type} ("${fieldName}" is a ${definition.type}), not ${describe(value)}`,
      });
  };

  const checkRange = (
    value: unknown,
    definition: FieldDefinition,
    path: string,
    fieldName: string,
  ) => {
    if (definition.type !== 'number') {
      issues.push({
        path,
        message: `range applies to numeric fields; "${fieldName}" is a ${definition.type}`,
      });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      issues.push({ path, message: 'must be an object with gt, gte, lt or lte' });
      return;
    }
    const bounds = Object.entries(value as Record<string, unknown>);
    if (bounds.length === 0)
      issues.push({ path, message: 'needs at least one of gt, gte, lt, lte' });
    for (const [bound, number] of bounds) {
      if (!['gt', 'gte', 'lt', 'lte'].includes(bound)) {
        issues.push({ path: `${path}/${bound}`, message: 'unknown bound; use gt, gte, lt or lte' });
      } else if (typeof number !== 'number' || !Number.isFinite(number)) {
        issues.push({
          path: `${path}/${bound}`,
          message: `must be a number, not ${describe(number)}`,
        });
      }
    }
    const keys = bounds.map(([bound]) => bound);
    if (keys.includes('gt') && keys.includes('gte'))
      issues.push({ path, message: 'gt and gte together' });
    if (keys.includes('lt') && keys.includes('lte'))
      issues.push({ path, message: 'lt and lte together' });
  };

  visit(input, '', catalog, 0);
  return issues.length === 0
    ? { ok: true, rule: input as Rule }
    : { ok: false, issues: issues.map((issue) => ({ ...issue, path: issue.path || '/' })) };
}
