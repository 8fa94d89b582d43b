import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';

/** The value of `--flag N` in a benchmark's arguments: a positive integer, or undefined. */
export function positiveIntegerOption(argv: readonly string[], flag: string): number | undefined {
  const at = argv.indexOf(flag);
  if (at < 0) return undefined;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} needs a positive integer`);
  return value;
}

/** Writes a benchmark's results as JSON formatted like the rest of the repository. */
export async function writeResults(path: string, results: unknown): Promise<void> {
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(JSON.stringify(results), { ...options, filepath: path }));
}
