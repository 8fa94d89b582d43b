import { type PipeTransform } from '@nestjs/common';
import { createValidator, type ValidationResult } from '@sne/contracts';
import { InvalidInputError } from './errors';

/**
 * Validates a request body against a JSON Schema (the same schema documents it in OpenAPI).
 * Every problem is reported with its path; the body is never coerced or partly applied.
 */
export class JsonBodyPipe<T> implements PipeTransform<unknown, T> {
  private readonly validate: (input: unknown) => ValidationResult<T>;

  constructor(schema: Readonly<Record<string, unknown>>) {
    this.validate = createValidator<T>(schema);
  }

  transform(value: unknown): T {
    const result = this.validate(value);
    if (!result.ok) throw new InvalidInputError('the request body is invalid', result.issues);
    return result.value;
  }
}
