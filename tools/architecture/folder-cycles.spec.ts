import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The `.ts` files under a folder, specs left out (a test may reach across folders). */
function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(name) ? [path] : [];
  });
}

/** For each top folder of an app's `src`, the other top folders its files import from. */
function folderImports(src: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(src)) {
    const [folder, ...rest] = relative(src, file).split('/');
    if (rest.length === 0) continue;
    const edges = graph.get(folder) ?? new Set<string>();
    graph.set(folder, edges);
    for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '\.\.\/([\w-]+)\//g))
      if (target !== folder) edges.add(target);
  }
  return graph;
}

/** Every cycle between folders, each as the path that closes it (`a → b → a`). */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found = new Set<string>();
  const visit = (folder: string, path: string[]): void => {
    const at = path.indexOf(folder);
    if (at >= 0) {
      const loop = path.slice(at);
      // One name per cycle whichever folder it was entered from.
      const start = loop.indexOf([...loop].sort()[0]);
      const rotated = [...loop.slice(start), ...loop.slice(0, start)];
      found.add([...rotated, rotated[0]].join(' → '));
      return;
    }
    for (const next of graph.get(folder) ?? []) visit(next, [...path, folder]);
  };
  for (const folder of graph.keys()) visit(folder, []);
  return [...found].sort();
}

describe('folders inside an app', () => {
  const apps = readdirSync(join(ROOT, 'apps')).filter((name) =>
    statSync(join(ROOT, 'apps', name, 'src')).isDirectory(),
  );

  it.each(apps)('%s: no two folders import each other, directly or in a circle', (app) => {
    expect(cycles(folderImports(join(ROOT, 'apps', app, 'src')))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(graph)).toEqual(['a → b → c → a']);
  });
});
