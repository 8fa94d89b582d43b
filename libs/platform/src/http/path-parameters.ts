import type { PipeTransform } from '@nestjs/common';
import { GUICHET_CODE, NUMERO_UNIQUE } from '@sne/contracts';
import { InvalidInputError } from './errors';

/**
 * Path parameters checked against their pattern before anything uses them: a lookup, a log line
 * or an upstream URL (an unchecked `..%2F` would walk out of the route it was meant for).
 */
export function guichetCodeOf(text: string, path = '/code'): string {
  if (!GUICHET_CODE.test(text))
    throw new InvalidInputError('invalid guichet code', [
      { path, message: 'must be 5 characters, digits or A-Z' },
    ]);
  return text;
}

export function numeroUniqueOf(text: string): string {
  if (!NUMERO_UNIQUE.test(text))
    throw new InvalidInputError('invalid numéro unique', [
      { path: '/numeroUnique', message: 'DDD MMYY NNNNNN GGGGG, e.g. "057 1215 073903 10691"' },
    ]);
  return text;
}

/** A path parameter that must match a pattern: `@Param('id', new PatternPipe(ID, '/id', 'a UUID'))`. */
export class PatternPipe implements PipeTransform<string, string> {
  constructor(
    private readonly pattern: RegExp,
    private readonly path: string,
    private readonly expected: string,
  ) {}

  transform(value: string): string {
    if (typeof value !== 'string' || !this.pattern.test(value))
      throw new InvalidInputError('invalid path parameter', [
        { path: this.path, message: `must be ${this.expected}` },
      ]);
    return value;
  }
}

/** `@Param('code', GuichetCodePipe)`. */
export class GuichetCodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return guichetCodeOf(value);
  }
}
