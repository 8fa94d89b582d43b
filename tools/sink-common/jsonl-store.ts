import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Records kept in memory, oldest first, and appended one JSON line each to `file` when one is
 * given, so that they survive a restart. Writes are queued so appends and clears keep their order.
 */
export class JsonlStore<T> {
  private items: T[] = [];
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string | undefined,
    private readonly isItem: (value: unknown) => value is T,
    private readonly onWriteError: (error: unknown) => void,
  ) {}

  /** Reads the file back; lines that are not records (a torn last write) are skipped. */
  async load(): Promise<{ loaded: number; skipped: number }> {
    if (this.file === undefined) return { loaded: 0, skipped: 0 };
    await mkdir(dirname(this.file), { recursive: true });
    let content: string;
    try {
      content = await readFile(this.file, 'utf8');
    } catch (error) {
      if (isMissingFile(error)) return { loaded: 0, skipped: 0 };
      throw error;
    }
    let skipped = 0;
    const items: T[] = [];
    for (const line of content.split('\n')) {
      if (line.trim() === '') continue;
      const item = parseLine(line);
      if (this.isItem(item)) items.push(item);
      else skipped += 1;
    }
    this.items = items;
    return { loaded: items.length, skipped };
  }

  all(): readonly T[] {
    return this.items;
  }

  add(item: T): void {
    this.items.push(item);
    const file = this.file;
    if (file !== undefined) this.enqueue(() => appendFile(file, `${JSON.stringify(item)}\n`));
  }

  clear(): Promise<void> {
    this.items = [];
    const file = this.file;
    if (file !== undefined) this.enqueue(() => writeFile(file, ''));
    return this.flush();
  }

  /** Resolves once every write queued so far is done. */
  flush(): Promise<void> {
    return this.writes;
  }

  private enqueue(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch(this.onWriteError);
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function isMissingFile(error: unknown): boolean {
  // Not `instanceof Error`: errors of node:fs come from another realm under jest.
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
