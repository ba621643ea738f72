/**
 * The layer rules of ARCHITECTURE.md, checked on every import so a shortcut fails the build
 * rather than waiting for a review: adapters never import dialogs; services never import
 * adapters, dialogs, the composition root or an HTTP library; dialogs never import adapters,
 * the composition root or an HTTP library.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const HTTP_LIBRARIES = ['restify', 'ws', 'twilio', 'pino-http', 'node:http', 'node:https', 'http', 'https', 'undici'];

interface Import {
  file: string;
  specifier: string;
  /** The repository folder a relative import lands in ("dialogs"), or undefined for a package. */
  layer: string | undefined;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Static imports, re-exports and dynamic imports, type-only ones included: a type is knowledge too. */
function importsOf(file: string, source: string): Import[] {
  const found: Import[] = [];
  const pattern =
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? '';
    const layer = specifier.startsWith('.')
      ? relative(ROOT, resolve(dirname(file), specifier)).split(/[\\/]/)[0]
      : undefined;
    found.push({ file: relative(ROOT, file), specifier, layer });
  }
  return found;
}

function importsIn(folder: string): Import[] {
  return sourceFiles(folder).flatMap((file) => importsOf(file, readFileSync(file, 'utf8')));
}

function isHttpLibrary(specifier: string): boolean {
  return HTTP_LIBRARIES.some((library) => specifier === library || specifier.startsWith(`${library}/`));
}

const describeImport = (i: Import) => `${i.file} imports ${i.specifier}`;

describe('layers', () => {
  it('finds the imports it checks (the scan itself works)', () => {
    const sample = importsOf(
      join(ROOT, 'dialogs/x.ts'),
      "import type { A } from '../adapters/twilio/a.js';\nexport { B } from './b.js';\nconst c = await import('restify');",
    );
    expect(sample.map((i) => [i.specifier, i.layer])).toEqual([
      ['../adapters/twilio/a.js', 'adapters'],
      ['./b.js', 'dialogs'],
      ['restify', undefined],
    ]);
    expect(importsIn('dialogs').length).toBeGreaterThan(100);
  });

  it('adapters never import dialogs', () => {
    expect(
      importsIn('adapters')
        .filter((i) => i.layer === 'dialogs')
        .map(describeImport),
    ).toEqual([]);
  });

  it('services never import adapters, dialogs, the composition root or an HTTP library', () => {
    const crossing = importsIn('services').filter(
      (i) => ['adapters', 'dialogs', 'bot'].includes(i.layer ?? '') || isHttpLibrary(i.specifier),
    );
    expect(crossing.map(describeImport)).toEqual([]);
  });

  it('dialogs never import adapters, the composition root or an HTTP library', () => {
    const crossing = importsIn('dialogs').filter(
      (i) => ['adapters', 'bot'].includes(i.layer ?? '') || isHttpLibrary(i.specifier),
    );
    expect(crossing.map(describeImport)).toEqual([]);
  });
});
