import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANNOUNCED_PLATFORMS } from '../../src/connectors/index.js';

const SRC = resolve(import.meta.dirname, '../../src');
const files = (dir: string, ext = /\.ts$/): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, ext) : ext.test(path) ? [path] : [];
  });

/** Folders that loop over the connector registry and must never name a platform; web/ includes its browser scripts. */
const PLATFORM_BLIND = ['posts', 'scheduler', 'accounts', 'media', 'api', 'config', 'budgets', 'shared', 'web', 'compat'];
/** Data files that map another product's platform names onto connector ids: the one place such a folder may name them. */
const NAME_MAPS = ['compat/posteverywhere/platform-names.ts'];

describe('architecture', () => {
  it('names no platform outside connectors/ and sandbox/ (code, strings and comments alike)', () => {
    // "x" alone is too common a word: look for it where it would be a platform id.
    const names = ANNOUNCED_PLATFORMS.filter((p) => p !== 'x');
    const pattern = new RegExp(`\\b(${names.join('|')})\\b|['"\`]x['"\`]|platform_options\\.x\\b|\\bX API\\b`, 'i');
    const offenders: string[] = [];
    for (const folder of PLATFORM_BLIND) {
      for (const file of files(join(SRC, folder), /\.(ts|js)$/).filter((f) => !NAME_MAPS.includes(relative(SRC, f)))) {
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (pattern.test(line)) offenders.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(offenders).toEqual([]);
  });

  const fileGraph = () => {
    const graph = new Map<string, string[]>();
    for (const file of files(SRC)) {
      const imports = [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)]
        // Type-only imports vanish at run time, but a cycle through them still ties the folders together.
        .map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
      graph.set(file, imports);
    }
    return graph;
  };

  it('has no import cycles between folders', () => {
    const folderOf = (file: string) => relative(SRC, file).split('/')[0]!;
    const folders = new Map<string, Set<string>>();
    for (const [file, imports] of fileGraph()) {
      for (const target of imports) {
        if (folderOf(target) !== folderOf(file))
          (folders.get(folderOf(file)) ?? folders.set(folderOf(file), new Set()).get(folderOf(file))!).add(folderOf(target));
      }
    }
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      [...(folders.get(from) ?? [])].some((next) => next === to || (!seen.has(next) && (seen.add(next), reaches(next, to, seen))));
    const cycles = [...folders.keys()].filter((f) => reaches(f, f));
    expect(cycles).toEqual([]);
  });

  it('has no import cycles between source files', () => {
    const graph = fileGraph();
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
